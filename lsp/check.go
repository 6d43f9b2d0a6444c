package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"go.lsp.dev/protocol"

	"go.uber.org/zap"

	"github.com/multiprom/multiprom/diagnostics"
	"github.com/multiprom/multiprom/internal/factkey"
	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/source"
	layout "github.com/multiprom/multiprom/internal/workspace"
)

// checkWorkspace brings the findings of ws up to date and, when publish is
// set, publishes every open document whose findings changed plus those
// marked dirty (an edit always gets an answer for its version), and every
// closed file whose project-level findings changed. s.mu must be held.
//
// ws is split into services as `multiprom check` splits it, and each
// service is checked as its own project: a document gets the findings of
// every service that has it (a root compose file shared by two services
// gets both's), each reported once. A service none of whose files changed
// keeps its project and its findings.
func (s *Server) checkWorkspace(ctx context.Context, ws *workspace, publish bool) {
	s.refresh(ctx, ws)
	docs := s.openDocs(ws)
	for _, svc := range ws.services {
		s.checkService(svc, docs)
	}
	for _, d := range docs {
		d.collect(ws.services)
	}
	if !publish {
		return
	}
	for _, d := range docs {
		delete(ws.published, d.rel) // an open document publishes its own
		s.publish(d)
	}
	s.publishClosed(ws, docs)
}

// checkService brings one service's findings up to date. Per-file rules
// run only on open documents whose text or whose project facts changed
// since their last check, or that were checked before a change other files
// of the service can see (service.generation); project rules run once per
// project (they are whole-project by nature), on every file. So a
// keystroke in a comment costs one file's rules, and an edit to a gunicorn
// config re-checks every open document of its service in one pass.
func (s *Server) checkService(svc *service, docs []*document) {
	p := svc.project
	key := factkey.Context(p)
	var fileRules, projectRules []*diagnostics.Rule
	for _, r := range s.rules {
		if r.Project {
			projectRules = append(projectRules, r)
		} else {
			fileRules = append(fileRules, r)
		}
	}
	stale := map[string]bool{}
	var mine []*document
	for _, d := range docs {
		sp, ok := svc.paths[d.rel]
		if !ok {
			delete(d.checks, svc)
			continue
		}
		if d.checks == nil {
			d.checks = map[*service]*docCheck{}
		}
		c := d.checks[svc]
		if c == nil || c.checkedAt != d.version || c.path != sp || c.factsSeen != key || c.generationSeen != svc.generation {
			stale[sp] = true
		}
		mine = append(mine, d)
	}
	if len(stale) > 0 {
		byPath := group(diagnostics.Check(p, fileRules, stale))
		for _, d := range mine {
			if sp := svc.paths[d.rel]; stale[sp] {
				d.checks[svc] = &docCheck{checkedAt: d.version, path: sp, perFile: byPath[sp], factsSeen: key, generationSeen: svc.generation}
			}
		}
	}
	if svc.checked != p {
		svc.findings = group(diagnostics.Check(p, projectRules, nil))
		svc.alsoOn = groupAlsoOn(svc, svc.findings)
		svc.checked = p
		s.noteProblems(svc)
	}
}

// noteProblems records the problems of a service's project by file and
// logs the new ones: a deploy file that does not parse is worth a line in
// the log once, not at every keystroke.
func (s *Server) noteProblems(svc *service) {
	svc.problems = map[string][]project.Problem{}
	logged := map[project.Problem]bool{}
	prs := append(svc.checked.Problems[:len(svc.checked.Problems):len(svc.checked.Problems)], diagnostics.SettingsProblems(svc.checked, s.rules)...)
	for _, pr := range prs {
		svc.problems[pr.Path] = append(svc.problems[pr.Path], pr)
		logged[pr] = true
		if svc.logged[pr] {
			continue
		}
		where := layout.Join(svc.dir, pr.Path)
		if pr.Config {
			// A setting that cannot be read is the user's to fix: say so
			// once, besides the diagnostic on its line.
			s.logger.Warn("settings", zap.String("path", where), zap.Int("line", pr.Line), zap.String("why", pr.Message))
			s.showMessage(protocol.MessageTypeWarning, fmt.Sprintf("multiprom: %s:%d: %s", where, pr.Line, pr.Message))
			continue
		}
		s.logger.Warn("file not understood", zap.String("service", svc.dir), zap.String("path", where),
			zap.Int("line", pr.Line), zap.String("why", pr.Message))
	}
	svc.logged = logged
}

// groupAlsoOn indexes the findings shown on other files than their own by
// those files.
func groupAlsoOn(svc *service, byPath map[string][]*diagnostics.Diagnostic) map[string][]alsoFound {
	out := map[string][]alsoFound{}
	for _, ds := range byPath {
		for _, d := range ds {
			for _, at := range d.AlsoOn {
				out[at.Path] = append(out[at.Path], alsoFound{found{svc, d}, at.Span})
			}
		}
	}
	for _, as := range out {
		sort.SliceStable(as, func(i, j int) bool {
			if as[i].at.Start != as[j].at.Start {
				return as[i].at.Start < as[j].at.Start
			}
			return as[i].Rule.Code < as[j].Rule.Code
		})
	}
	return out
}

func group(ds []*diagnostics.Diagnostic) map[string][]*diagnostics.Diagnostic {
	out := map[string][]*diagnostics.Diagnostic{}
	for _, d := range ds {
		out[d.Path] = append(out[d.Path], d)
	}
	return out
}

// collect gathers a document's findings from the services that have it.
func (d *document) collect(services []*service) {
	d.found, d.also, d.problems = d.found[:0], d.also[:0], d.problems[:0]
	seen := map[string]bool{}
	for _, svc := range services {
		c := d.checks[svc]
		if c == nil {
			continue
		}
		d.found = appendFound(d.found, seen, svc, c.perFile)
		d.found = appendFound(d.found, seen, svc, svc.findings[c.path])
		d.also = appendAlso(d.also, seen, svc.alsoOn[c.path])
		d.problems = appendProblems(d.problems, seen, svc.problems[c.path])
	}
	sortFound(d.found)
}

// appendAlso adds the findings of other files shown on a file, each once
// (a shared file's finding reaches the file from several services).
func appendAlso(out []alsoFound, seen map[string]bool, as []alsoFound) []alsoFound {
	for _, a := range as {
		key := fmt.Sprintf("also|%d|%d|%s|%s", a.at.Start, a.at.End, a.Code(), a.Message)
		if !seen[key] {
			seen[key] = true
			out = append(out, a)
		}
	}
	return out
}

// appendFound adds the findings of one service to those of a file, leaving
// out those another service found already: the same span, rule and
// message, as `multiprom check` reports a shared file's finding once.
func appendFound(out []found, seen map[string]bool, svc *service, ds []*diagnostics.Diagnostic) []found {
	for _, f := range ds {
		key := fmt.Sprintf("%d|%d|%s|%s", f.Span.Start, f.Span.End, f.Code(), f.Message)
		if !seen[key] {
			seen[key] = true
			out = append(out, found{svc, f})
		}
	}
	return out
}

func appendProblems(out []project.Problem, seen map[string]bool, prs []project.Problem) []project.Problem {
	for _, pr := range prs {
		key := fmt.Sprintf("problem|%d|%s", pr.Line, pr.Message)
		if !seen[key] {
			seen[key] = true
			out = append(out, pr)
		}
	}
	return out
}

// sortFound orders a file's findings as diagnostics.SortDiagnostics does.
func sortFound(fs []found) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Span.Start != b.Span.Start {
			return a.Span.Start < b.Span.Start
		}
		return a.Rule.Code < b.Rule.Code
	})
}

// ensureChecked makes the findings of one document current (for requests
// that need them: code actions, hover, pull diagnostics) without
// publishing. What did not change is not checked again.
func (s *Server) ensureChecked(ctx context.Context, d *document) {
	s.ensureScanned(ctx, d.ws)
	s.checkWorkspace(ctx, d.ws, false)
}

// publish sends a document's findings if they differ from what the client
// has, or if the document has a new version.
func (s *Server) publish(d *document) {
	if s.client.pullDocs {
		return // the client asks (textDocument/diagnostic)
	}
	diags := s.toLSPDiagnostics(d.ws, d.file, d.found, d.also, d.problems)
	data, _ := json.Marshal(diags)
	fp := string(data)
	if d.published == fp+versionTag(d.version) {
		return
	}
	d.published = fp + versionTag(d.version)
	v := d.version
	s.notify("textDocument/publishDiagnostics", &publishDiagnosticsParams{URI: d.uri, Version: &v, Diagnostics: diags})
}

// publishClosed publishes the findings of the files of ws that are not
// open: project rules look at every file (a Procfile, a compose file, a
// requirements file), and their findings are shown where they are, as
// `multiprom check` shows them, whether the file is open or not; so are
// the problems of files that do not parse. A file whose findings went is
// sent an empty list. A client that pulls the workspace's diagnostics
// (workspace/diagnostic) gets none of this. s.mu must be held.
func (s *Server) publishClosed(ws *workspace, docs []*document) {
	if ws.loose || s.pullWorkspace {
		return
	}
	// Nothing to do unless a service's project findings or the open
	// documents changed: a keystroke in one file costs no walk over the
	// others' findings.
	var key strings.Builder
	for _, svc := range ws.services {
		fmt.Fprintf(&key, "%p;", svc.checked)
	}
	open := make(map[string]bool, len(docs))
	for _, d := range docs {
		open[d.rel] = true
		key.WriteString(d.rel + ";")
	}
	if key.String() == ws.closedKey {
		return
	}
	ws.closedKey = key.String()
	byRel := s.closedFindings(ws, open, false)
	for _, rel := range slices.Sorted(maps.Keys(byRel)) {
		diags := byRel[rel].diagnostics(s, ws)
		data, _ := json.Marshal(diags)
		if ws.published[rel] == string(data) {
			continue
		}
		ws.published[rel] = string(data)
		s.notify("textDocument/publishDiagnostics", &publishDiagnosticsParams{URI: s.fileURI(ws, rel), Diagnostics: diags})
	}
	for rel := range ws.published {
		if byRel[rel] == nil {
			delete(ws.published, rel)
			// An open document publishes its own, unless the client
			// pulls documents: then this list must go.
			if !open[rel] || s.client.pullDocs {
				s.notify("textDocument/publishDiagnostics", &publishDiagnosticsParams{URI: s.fileURI(ws, rel), Diagnostics: []protocol.Diagnostic{}})
			}
		}
	}
}

// closedFile is what a file of a workspace that is not open has: findings
// of its services (one each), findings of other files shown on it, and
// problems.
type closedFile struct {
	file     *project.File
	found    []found
	also     []alsoFound
	problems []project.Problem
	seen     map[string]bool
}

func (c *closedFile) diagnostics(s *Server, ws *workspace) []protocol.Diagnostic {
	sortFound(c.found)
	return s.toLSPDiagnostics(ws, c.file, c.found, c.also, c.problems)
}

// closedFindings gathers, by workspace path, what the files of ws that are
// not open have: the project-level findings and problems, and with perFile
// the per-file findings of its Python files too (workspace/diagnostic
// reports every file; push publishes only project-level findings of closed
// files). s.mu must be held, and ws checked.
func (s *Server) closedFindings(ws *workspace, open map[string]bool, perFile bool) map[string]*closedFile {
	byRel := map[string]*closedFile{}
	at := func(svc *service, sp string) *closedFile {
		rel := layout.Join(svc.dir, sp)
		if open[rel] || svc.files[rel] == nil {
			return nil
		}
		c := byRel[rel]
		if c == nil {
			c = &closedFile{file: svc.files[rel], seen: map[string]bool{}}
			byRel[rel] = c
		}
		return c
	}
	for _, svc := range ws.services {
		if perFile {
			for sp, ds := range s.closedPerFile(svc) {
				if c := at(svc, sp); c != nil {
					c.found = appendFound(c.found, c.seen, svc, ds)
				}
			}
		}
		for sp, ds := range svc.findings {
			if c := at(svc, sp); c != nil {
				c.found = appendFound(c.found, c.seen, svc, ds)
			}
		}
		for sp, as := range svc.alsoOn {
			if c := at(svc, sp); c != nil {
				c.also = appendAlso(c.also, c.seen, as)
			}
		}
		for sp, prs := range svc.problems {
			if c := at(svc, sp); c != nil {
				c.problems = appendProblems(c.problems, c.seen, prs)
			}
		}
	}
	return byRel
}

// closedPerFile is the per-file findings of every Python file of a
// service's checked project, computed once per project (an open
// document's own come from its checks).
func (s *Server) closedPerFile(svc *service) map[string][]*diagnostics.Diagnostic {
	if svc.perFileOf != svc.checked || svc.checked == nil {
		var fileRules []*diagnostics.Rule
		for _, r := range s.rules {
			if !r.Project {
				fileRules = append(fileRules, r)
			}
		}
		svc.perFile, svc.perFileOf = nil, svc.checked
		if svc.checked != nil {
			svc.perFile = group(diagnostics.Check(svc.checked, fileRules, nil))
		}
	}
	return svc.perFile
}

// unpublish clears what was published for the closed files of ws (its
// folder was removed).
func (s *Server) unpublish(ws *workspace) {
	s.refreshPull()
	for rel := range ws.published {
		s.notify("textDocument/publishDiagnostics", &publishDiagnosticsParams{URI: s.fileURI(ws, rel), Diagnostics: []protocol.Diagnostic{}})
	}
	ws.published = map[string]string{}
	ws.closedKey = ""
}

func versionTag(v int32) string {
	b, _ := json.Marshal(v)
	return "@" + string(b)
}

// toLSPDiagnostics converts the findings and problems of a file of ws, and
// the findings of other files shown on it, to the wire form, in the
// negotiated position encoding.
func (s *Server) toLSPDiagnostics(ws *workspace, file *project.File, fs []found, also []alsoFound, problems []project.Problem) []protocol.Diagnostic {
	out := make([]protocol.Diagnostic, 0, len(fs)+len(also)+len(problems))
	if file == nil {
		return out
	}
	idx := file.Lines()
	for _, f := range fs {
		out = append(out, s.toLSPDiagnostic(idx, f.Diagnostic))
	}
	for _, a := range also {
		out = append(out, s.alsoDiagnostic(ws, idx, a))
	}
	for _, pr := range problems {
		out = append(out, s.problemDiagnostic(idx, pr))
	}
	return out
}

// problemDiagnostic shows a problem (a deploy file that does not parse) on
// its line, or on the first line when it is about the whole file: a
// warning without a code, since no rule found it.
func (s *Server) problemDiagnostic(idx *source.LineIndex, pr project.Problem) protocol.Diagnostic {
	line := max(pr.Line-1, 0)
	return protocol.Diagnostic{
		Range:    s.toRange(idx, source.Span{Start: idx.LineStart(line), End: idx.LineEnd(line)}),
		Severity: protocol.DiagnosticSeverityWarning,
		Source:   "multiprom",
		Message:  pr.Message,
	}
}

func (s *Server) toLSPDiagnostic(idx *source.LineIndex, f *diagnostics.Diagnostic) protocol.Diagnostic {
	return protocol.Diagnostic{
		Range:           s.toRange(idx, f.Span),
		Severity:        protocol.DiagnosticSeverity(f.Severity),
		Code:            f.Rule.Code,
		CodeDescription: &protocol.CodeDescription{Href: protocol.URI(f.Rule.DocURL())},
		Source:          "multiprom",
		Message:         f.Message,
	}
}

// toRange converts a byte span with the one conversion function.
func (s *Server) toRange(idx *source.LineIndex, sp source.Span) protocol.Range {
	a := idx.Position(sp.Start, s.client.encoding)
	b := idx.Position(sp.End, s.client.encoding)
	return protocol.Range{
		Start: protocol.Position{Line: uint32(a.Line), Character: uint32(a.Col)},
		End:   protocol.Position{Line: uint32(b.Line), Character: uint32(b.Col)},
	}
}

// toSpan converts a range of a document to bytes.
func (s *Server) toSpan(idx *source.LineIndex, r protocol.Range) source.Span {
	a := idx.Offset(toPos(r.Start), s.client.encoding)
	b := idx.Offset(toPos(r.End), s.client.encoding)
	if b < a {
		a, b = b, a
	}
	return source.Span{Start: a, End: b}
}
