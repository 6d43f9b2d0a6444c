package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/multiprom/multiprom/bench"
)

func writeFile(p, text string) {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		fail("%v", err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		fail("%v", err)
	}
}

const gunicornConf = "bind = \"0.0.0.0:8000\"\nworkers = 4\n"

// 3. Editor latency through the protocol, in each workspace of
// -latency-modules, and the gunicorn.conf.py edit.
func benchLatency(tmp string) {
	for _, field := range strings.Split(*latencyModules, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 0 {
			fail("-latency-modules: %q is not a number of modules", field)
		}
		benchEdits(tmp, n)
	}
	benchConfigEdit(tmp)
}

// benchEdits times fresh opens and edits of the 5,000-line module in a
// workspace that holds modules generated app modules besides.
func benchEdits(tmp string, modules int) {
	ws := filepath.Join(tmp, fmt.Sprintf("latency%d", modules))
	where := "" // the rows' note on the workspace
	if modules > 0 {
		if _, err := bench.Generate(ws, bench.Corpus{Modules: modules}); err != nil {
			fail("%v", err)
		}
		where = fmt.Sprintf(", %d other modules in the workspace", modules)
	}
	writeFile(filepath.Join(ws, "gunicorn.conf.py"), gunicornConf)
	writeFile(filepath.Join(ws, "requirements.txt"), "prometheus-client==0.16.0\nflask\ngunicorn\n")
	big := bench.BigModule(5000)
	writeFile(filepath.Join(ws, "app", "big.py"), big)
	noteLines := []int{}
	for i, l := range strings.Split(big, "\n") {
		if strings.HasPrefix(l, "# note") {
			noteLines = append(noteLines, i)
		}
	}
	for _, mode := range []struct{ name, flag string }{{"no debounce", "--debounce=-1ms"}, {"default 50 ms debounce", ""}} {
		args := []string{}
		if mode.flag != "" {
			args = append(args, mode.flag)
		}
		c, err := startServer(*bin, args...)
		if err != nil {
			fail("%v", err)
		}
		c.initialize(ws)
		// From scratch: didOpen of a fresh copy, parsed and checked whole.
		var scratch []time.Duration
		for i := 0; i < 20; i++ {
			uri := fileURI(filepath.Join(ws, "app", fmt.Sprintf("copy%d.py", i)))
			t := time.Now()
			c.open(uri, big)
			p := c.waitFor(uri, 1)
			scratch = append(scratch, p.At.Sub(t))
			c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri}})
		}
		uri := fileURI(filepath.Join(ws, "app", "big.py"))
		c.open(uri, big)
		c.waitFor(uri, 1)
		var edits []time.Duration
		for i := 0; i < 1000; i++ {
			line := noteLines[(i/2)%len(noteLines)]
			v := i + 2
			t := time.Now()
			if i%2 == 0 {
				c.change(uri, v, line, 1, 1, "x")
			} else {
				c.change(uri, v, line, 1, 2, "")
			}
			p := c.waitFor(uri, v)
			edits = append(edits, p.At.Sub(t))
		}
		s := summarize(scratch)
		med, p99 := pct(edits, 0.5), pct(edits, 0.99)
		info(fmt.Sprintf("latency (%s%s): didOpen of a fresh 5,000-line copy → publish", mode.name, where), s.String())
		info(fmt.Sprintf("latency (%s%s): 1,000 one-character edits → publish, median / p99", mode.name, where), ms(med)+" / "+ms(p99))
		if mode.flag != "" {
			add("latency: edit median / from-scratch median"+where, fmt.Sprintf("%.0f %%", 100*float64(med)/float64(s.med)), "≤ 30 %", float64(med) <= 0.3*float64(s.med))
			add("latency: edit p99 / from-scratch median"+where, fmt.Sprintf("%.0f %%", 100*float64(p99)/float64(s.med)), "≤ 60 %", float64(p99) <= 0.6*float64(s.med))
		}
		c.close()
	}
}

func benchConfigEdit(tmp string) {
	ws := filepath.Join(tmp, "confedit")
	if _, err := bench.Generate(ws, bench.Corpus{Modules: 100}); err != nil {
		fail("%v", err)
	}
	writeFile(filepath.Join(ws, "gunicorn.conf.py"), gunicornConf)
	c, err := startServer(*bin, "--debounce=-1ms")
	if err != nil {
		fail("%v", err)
	}
	defer c.close()
	c.initialize(ws)
	var uris []string
	for i := 0; i < 100; i++ {
		p := filepath.Join(ws, "app", "views", fmt.Sprintf("mod%04d.py", i))
		b, _ := os.ReadFile(p)
		u := fileURI(p)
		uris = append(uris, u)
		c.open(u, string(b))
		c.waitFor(u, 1)
	}
	conf := fileURI(filepath.Join(ws, "gunicorn.conf.py"))
	c.open(conf, gunicornConf)
	c.waitFor(conf, 1)
	var times []time.Duration
	onePass := true
	for i := 0; i < *runs; i++ {
		// workers 4 -> 1 -> 4: multiprocess facts flip, so every app file's
		// findings change and all 100 must be re-published.
		text := "1"
		if i%2 == 1 {
			text = "4"
		}
		t := time.Now()
		c.change(conf, i+2, 1, 10, 11, text)
		seen := map[string]int{}
		for len(seen) < 100 {
			select {
			case p := <-c.published:
				if p.URI != conf {
					seen[p.URI]++
				}
			case <-time.After(60 * time.Second):
				fail("config edit: only %d of 100 files re-published", len(seen))
			}
		}
		times = append(times, time.Since(t))
		// Anything more within a moment would be a second pass.
		time.Sleep(200 * time.Millisecond)
	drain:
		for {
			select {
			case p := <-c.published:
				if p.URI != conf {
					onePass = false
				}
			default:
				break drain
			}
		}
		for _, n := range seen {
			if n != 1 {
				onePass = false
			}
		}
	}
	info("gunicorn.conf.py edit → all 100 open files re-published", summarize(times).String())
	add("gunicorn.conf.py edit re-publishes 100 open files in one pass", fmt.Sprintf("%v", onePass), "each file once", onePass)
}

// 4. Memory: 200 open 1,000-line documents.
func benchMemory(tmp string) {
	ws := filepath.Join(tmp, "memory")
	writeFile(filepath.Join(ws, "gunicorn.conf.py"), gunicornConf)
	doc := bench.BigModule(1000)
	for i := 0; i < 200; i++ {
		writeFile(filepath.Join(ws, "app", fmt.Sprintf("d%03d.py", i)), strings.Replace(doc, "\"big\"", fmt.Sprintf("\"big%d\"", i), 1))
	}
	var rss []time.Duration // KB, in a Duration for summarize
	for r := 0; r < *runs; r++ {
		c, err := startServer(*bin, "--debounce=-1ms")
		if err != nil {
			fail("%v", err)
		}
		c.initialize(ws)
		for i := 0; i < 200; i++ {
			p := filepath.Join(ws, "app", fmt.Sprintf("d%03d.py", i))
			b, _ := os.ReadFile(p)
			c.open(fileURI(p), string(b))
			c.waitFor(fileURI(p), 1)
		}
		// A few edits, so trees of recently edited documents are kept.
		for i := 0; i < 20; i++ {
			p := fileURI(filepath.Join(ws, "app", fmt.Sprintf("d%03d.py", i)))
			c.change(p, 2, 0, 0, 0, "#")
			c.waitFor(p, 2)
		}
		// The resident size of the idle server: it gives memory back after
		// 5 s without checks (lsp/idle.go).
		time.Sleep(5500 * time.Millisecond)
		rss = append(rss, time.Duration(c.rss()))
		c.close()
	}
	s := summarize(rss)
	info("memory: RSS with 200 open 1,000-line documents, KB", fmt.Sprintf("%d (%d–%d)", s.med, s.min, s.max))
	add("memory: RSS, 200 open 1,000-line documents", fmt.Sprintf("%.1f MB", float64(s.med)/1024), "≤ 80 MB", float64(s.med)/1024 <= 80)
}

// 5. Start-up: initialize → publish of a file opened after initialized.
func benchStartup(tmp string) {
	ws := filepath.Join(tmp, "startup")
	if _, err := bench.Generate(ws, bench.Corpus{Modules: 997}); err != nil {
		fail("%v", err)
	}
	target := filepath.Join(ws, "app", "views", "mod0500.py")
	text, _ := os.ReadFile(target)
	var lsp, check []time.Duration
	for r := 0; r < *runs; r++ {
		check = append(check, timeCmd(*bin, "check", "--exit-zero", "--quiet", ws))
		t := time.Now()
		c, err := startServer(*bin)
		if err != nil {
			fail("%v", err)
		}
		c.initialize(ws)
		c.open(fileURI(target), string(text))
		c.waitFor(fileURI(target), 1)
		lsp = append(lsp, time.Since(t))
		c.close()
	}
	l, k := summarize(lsp), summarize(check)
	info("start-up: serve start → initialize → publish of the first opened file (1,000 files)", l.String())
	info("start-up: multiprom check of the same tree", k.String())
	ratio := float64(l.med) / float64(k.med)
	add("start-up: server / check", fmt.Sprintf("%.2f×", ratio), "≤ 2×", ratio <= 2)
}
