package workspace

import (
	"bytes"
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/project"
	"github.com/multiprom/multiprom/internal/python"
)

// choosePythonBySearch is choosePython as it was before the indexes of
// scan_choose.go: every round searched every pending source, and every
// Python file searched every non-Python file. It is the specification the
// indexes must match.
func choosePythonBySearch(ctx context.Context, loaded []loadedFile, workers int) map[string]bool {
	var others [][]byte
	for _, l := range loaded {
		if l.file != nil && l.file.Kind != project.KindPython {
			others = append(others, l.file.Src)
		}
	}
	var pending, round []int
	for i := range loaded {
		f := loaded[i].file
		if f == nil || f.Kind != project.KindPython {
			continue
		}
		rel := classifyPython(f.Path, f.Src)
		switch {
		case rel == relevantApp:
			loaded[i].parse = true
			round = append(round, i)
		case rel == relevantLocal || mentionedInBySearch(others, f.Path):
			loaded[i].parse = true
		default:
			pending = append(pending, i)
		}
	}
	for len(round) > 0 && len(pending) > 0 {
		parseMarked(ctx, loaded, workers)
		spread := newWordMatcher(roundWords(loaded, round))
		round = round[:0]
		rest := pending[:0]
		for _, i := range pending {
			if spread.in(loaded[i].file.Src) {
				loaded[i].parse = true
				round = append(round, i)
			} else {
				rest = append(rest, i)
			}
		}
		pending = rest
	}
	unparsed := map[string]bool{}
	for _, i := range pending {
		loaded[i].file.Py = &python.Module{}
		unparsed[loaded[i].file.Path] = true
	}
	return unparsed
}

// mentionedInBySearch is the search deployMentions replaces.
func mentionedInBySearch(others [][]byte, p string) bool {
	base, stem := mentionNames(p)
	for _, src := range others {
		if bytes.Contains(src, []byte(base)) || mentionsWord(src, []string{stem}) {
			return true
		}
	}
	return false
}

// loadedOf is a project read from memory, in path order.
func loadedOf(files map[string]string) []loadedFile {
	paths := make([]string, 0, len(files))
	for p := range files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	loaded := make([]loadedFile, len(paths))
	for i, p := range paths {
		loaded[i].file = &project.File{Path: p, Kind: project.Classify(p), Src: []byte(files[p])}
	}
	return loaded
}

// chooseOutcome is what a choice decides: the unparsed files and, after
// the final parse, the files with a summary and the problems.
type chooseOutcome struct {
	Unparsed map[string]bool
	Parsed   []string
	Problems []project.Problem
}

func outcome(choose func(context.Context, []loadedFile, int) map[string]bool, files map[string]string) chooseOutcome {
	ctx := context.Background()
	loaded := loadedOf(files)
	var o chooseOutcome
	o.Unparsed = choose(ctx, loaded, 2)
	parseMarked(ctx, loaded, 2)
	fs, problems := collect(loaded)
	for _, f := range fs {
		if f.Kind == project.KindPython && !o.Unparsed[f.Path] {
			o.Parsed = append(o.Parsed, f.Path)
		}
	}
	o.Problems = problems
	return o
}

const promCounter = "from prometheus_client import Counter\nREQS = Counter('r', 'r')\n"

// TestChoosePythonMatchesSearch: the indexes make the same decisions as
// the searches on the cases where identifiers, substrings and module
// names differ.
func TestChoosePythonMatchesSearch(t *testing.T) {
	chain := map[string]string{"pkg/c0.py": promCounter, "pkg/__init__.py": ""}
	for i := 1; i < 30; i++ {
		chain[fmt.Sprintf("pkg/c%d.py", i)] = fmt.Sprintf("from pkg import c%d\n", i-1)
	}
	chain["pkg/loose.py"] = "c1x = 1\n_c2 = 2\n"
	tests := []struct {
		name      string
		files     map[string]string
		unparsed  []string // checked too, so a case cannot pass vacuously
		mentioned []string
	}{
		{
			name:     "chain",
			files:    chain,
			unparsed: []string{"pkg/__init__.py", "pkg/loose.py"},
		},
		{
			name: "word boundaries",
			files: map[string]string{
				"app/metrics.py": promCounter,
				"app/a.py":       "x = REQS_total\n",   // not the word REQS
				"app/b.py":       "x = m.REQS.inc()\n", // the word after a dot
				"app/c.py":       "import metrics2\n",
				"app/d.py":       "s = 'metrics'\n", // in a string: still the word
				"app/é.py":       "éREQS = 1\n",     // non-ASCII is an identifier byte
			},
			unparsed: []string{"app/a.py", "app/c.py", "app/é.py"},
		},
		{
			name: "dotted module names and __init__ stems",
			files: map[string]string{
				"jobs/__init__.py":      "",
				"jobs/nightly.py":       "",
				"jobs/weekly.py":        "",
				"other/__init__.py":     "",
				"svc/app.py":            "from jobs.nightly import run\nimport flask\n",
				"svc/use_other.py":      "",
				"conf/prod.py":          "",
				"conf/staging.py":       "",
				"my-tool.py":            "",
				"tools/a-b/__init__.py": "",
				"Procfile":              "web: gunicorn -c conf/prod.py svc.app:app\nworker: python -m jobs.weekly\n",
				"scripts/run.sh":        "#!/bin/sh\nexec python my-tool.py --x\ncd tools/a-b && ls\n",
			},
			unparsed:  []string{"other/__init__.py", "svc/use_other.py", "conf/staging.py", "jobs/nightly.py"}, // imports spread nothing
			mentioned: []string{"jobs/weekly.py", "jobs/__init__.py", "conf/prod.py", "my-tool.py", "tools/a-b/__init__.py"},
		},
		{
			name: "named by a Dockerfile, compose file and shell script",
			files: map[string]string{
				"worker.py":          "",
				"myworker.py":        "",
				"tasks.py":           "",
				"cli.py":             "",
				"unused.py":          "",
				"Dockerfile":         "FROM python\nCMD [\"python\", \"myworker.pyc\"]\n", // a substring: names myworker.py and worker.py
				"docker-compose.yml": "services:\n  t:\n    command: celery -A tasks\n",
				"entrypoint":         "#!/bin/sh\nexec cli_main\n", // cli is not a word here
			},
			unparsed:  []string{"cli.py", "unused.py"},
			mentioned: []string{"worker.py", "myworker.py", "tasks.py"},
		},
		{
			name: "a root __init__.py and odd base names",
			files: map[string]string{
				"__init__.py": "",
				"x.PY":        "",
				"a.b.py":      "",
				".py":         "",
				"deploy.sh":   "python ./run.py x.PY a.b\n",
			},
			unparsed:  nil,
			mentioned: []string{"__init__.py", "x.PY", "a.b.py", ".py"},
		},
		{
			name: "no deploy files",
			files: map[string]string{
				"app.py":  "import flask\n",
				"util.py": "from app import create\n",
				"lone.py": "",
			},
			unparsed: []string{"lone.py"},
		},
		{
			name: "a module whose name is not an identifier",
			files: map[string]string{
				"app/my-mod.py": "import flask\n",
				"app/user.py":   "load('my-mod')\n",
				"app/other.py":  "load('my-model')\n",
			},
			unparsed: []string{"app/other.py"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want := outcome(choosePythonBySearch, tc.files)
			got := outcome(choosePython, tc.files)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("indexes decided\n%+v\nsearches decided\n%+v", got, want)
			}
			var unparsed []string
			for p := range got.Unparsed {
				unparsed = append(unparsed, p)
			}
			sort.Strings(unparsed)
			sort.Strings(tc.unparsed)
			if !reflect.DeepEqual(unparsed, tc.unparsed) && (len(unparsed) > 0 || len(tc.unparsed) > 0) {
				t.Errorf("unparsed %q, want %q", unparsed, tc.unparsed)
			}
			var others [][]byte
			var paths []string
			for p, src := range tc.files {
				if project.Classify(p) == project.KindPython {
					paths = append(paths, p)
				} else {
					others = append(others, []byte(src))
				}
			}
			named := deployMentions(others, paths)
			for k, p := range paths {
				if want := mentionedInBySearch(others, p); named[k] != want {
					t.Errorf("%s: deployMentions %v, search %v", p, named[k], want)
				}
			}
			for _, p := range tc.mentioned {
				if !mentionedInBySearch(others, p) {
					t.Errorf("%s is not mentioned: the case tests nothing", p)
				}
			}
		})
	}
}

// randomStrings returns a generator of strings of n pieces drawn from
// pieces, and its source of randomness.
func randomStrings(seed int64, pieces ...string) (gen func(n int) string, rnd *rand.Rand) {
	rnd = rand.New(rand.NewSource(seed))
	return func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(pieces[rnd.Intn(len(pieces))])
		}
		return b.String()
	}, rnd
}

// TestDeployMentionsMatchesSearch compares deployMentions with the search
// on random deploy files and paths over a small alphabet, where substrings,
// boundaries and shared prefixes and suffixes are frequent.
func TestDeployMentionsMatchesSearch(t *testing.T) {
	gen, rnd := randomStrings(11, "a", "b", "_", ".", "py", ".py", "-", " ", "/", "é", "__init__")
	for i := 0; i < 3000; i++ {
		var others [][]byte
		for k := rnd.Intn(3); k > 0; k-- {
			others = append(others, []byte(gen(rnd.Intn(20))))
		}
		var paths []string
		for k := rnd.Intn(6); k >= 0; k-- {
			paths = append(paths, strings.TrimPrefix(gen(rnd.Intn(4))+".py", "/"))
		}
		named := deployMentions(others, paths)
		for k, p := range paths {
			if want := mentionedInBySearch(others, p); named[k] != want {
				t.Fatalf("%q in %q: deployMentions %v, search %v", p, others, named[k], want)
			}
		}
	}
}

// TestSubstringSetMatchesContains compares the automaton with
// bytes.Contains on random texts and overlapping patterns.
func TestSubstringSetMatchesContains(t *testing.T) {
	rnd := rand.New(rand.NewSource(5))
	gen := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "aab."[rnd.Intn(4)]
		}
		return string(b)
	}
	for i := 0; i < 5000; i++ {
		var texts [][]byte
		for k := rnd.Intn(3); k > 0; k-- {
			texts = append(texts, []byte(gen(rnd.Intn(25))))
		}
		var patterns []string
		for k := rnd.Intn(6); k >= 0; k-- {
			patterns = append(patterns, gen(rnd.Intn(5)))
		}
		found := substringSet(texts, patterns)
		for _, p := range patterns {
			want := false
			for _, t := range texts {
				want = want || bytes.Contains(t, []byte(p))
			}
			if found[p] != want {
				t.Fatalf("%q in %q: automaton %v, bytes.Contains %v", p, texts, found[p], want)
			}
		}
	}
}

// TestSpreaderMatchesMatcher: over random rounds, the spreader takes
// exactly the untaken sources the word matcher finds a round's words in.
func TestSpreaderMatchesMatcher(t *testing.T) {
	gen, rnd := randomStrings(3, "a", "b", "_", "1", " ", ".", "-", "é", "ab")
	for i := 0; i < 2000; i++ {
		srcs := make([][]byte, rnd.Intn(8))
		for k := range srcs {
			srcs[k] = []byte(gen(rnd.Intn(12)))
		}
		s := newSpreader(srcs)
		taken := make([]bool, len(srcs))
		for round := 0; round < 4; round++ {
			var words []string
			for k := rnd.Intn(3); k >= 0; k-- {
				words = append(words, gen(rnd.Intn(3)))
			}
			m := newWordMatcher(words)
			var want []int
			for k, src := range srcs {
				if !taken[k] && m.in(src) {
					taken[k] = true
					want = append(want, k)
				}
			}
			got := s.take(words)
			sort.Ints(got)
			if !reflect.DeepEqual(got, want) && len(got)+len(want) > 0 {
				t.Fatalf("round %d, words %q in %q: spreader took %v, matcher %v", round, words, srcs, got, want)
			}
		}
	}
}

// BenchmarkChoosePython times the choice on the two shapes that were
// quadratic, at two sizes: a keyword-free import chain (one module made
// relevant per round) and n irrelevant modules beside n shell scripts.
// ns/file must not grow with n.
func BenchmarkChoosePython(b *testing.B) {
	shapes := map[string]func(n int) map[string]string{
		"chain": func(n int) map[string]string {
			files := map[string]string{"pkg/__init__.py": "", "pkg/c0.py": promCounter}
			for i := 1; i < n; i++ {
				files[fmt.Sprintf("pkg/c%d.py", i)] = fmt.Sprintf("from pkg import c%d\n\n\ndef h%d():\n    return c%d\n", i-1, i, i-1)
			}
			return files
		},
		"mentioned": func(n int) map[string]string {
			files := map[string]string{"app.py": promCounter}
			for i := 0; i < n; i++ {
				files[fmt.Sprintf("lib/u%d.py", i)] = fmt.Sprintf("def u%d(x):\n    return x + %d\n", i, i)
				files[fmt.Sprintf("scripts/s%d.sh", i)] = fmt.Sprintf("#!/bin/sh\necho hello %d\nls -la /var/tmp/thing%d\n", i, i)
			}
			return files
		},
	}
	for _, shape := range []string{"chain", "mentioned"} {
		for _, n := range []int{300, 3000} {
			files := shapes[shape](n)
			b.Run(fmt.Sprintf("%s/n=%d", shape, n), func(b *testing.B) {
				ctx := context.Background()
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					loaded := loadedOf(files)
					b.StartTimer()
					choosePython(ctx, loaded, 0)
				}
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(files)), "ns/file")
			})
		}
	}
}
