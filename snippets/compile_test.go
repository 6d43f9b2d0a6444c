package snippets

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/multiprom/multiprom/internal/deps"
)

var testBusiness = []BusinessMetric{
	{Name: "orders", Kind: "counter", Help: "Orders placed", Labels: []string{"kind"}},
	{Name: "revenue_euros", Kind: "counter", Help: "Revenue"},
	{Name: "queue_depth", Kind: "gauge", Help: "Jobs waiting", Labels: []string{"queue", "priority"}},
}

// flaskModule builds a small Flask module whose `app = Flask(__name__)` line sits at the
// indentation ind (one level per 4 spaces or per tab), with a handler that exposes metrics
// through PerRequestRegistry (which also registers the business metrics when p.Redis) at that
// handler's indentation.
func flaskModule(t *testing.T, p Params, ind string) string {
	t.Helper()
	unit := "    "
	if strings.HasPrefix(ind, "\t") {
		unit = "\t"
	}
	levels := strings.Count(ind, unit)
	var b strings.Builder
	b.WriteString("from flask import Flask\nfrom prometheus_client import generate_latest\n\n\n")
	cur := ""
	if levels >= 1 {
		b.WriteString("def create_app():\n")
		cur = unit
		for i := 1; i < levels; i++ {
			b.WriteString(cur + "if True:\n")
			cur += unit
		}
	}
	b.WriteString(cur + "app = Flask(__name__)\n\n")
	body := cur + unit
	hp := p
	hp.Indent = body
	regImports, regBlock := PerRequestRegistry(hp, "registry")
	b.WriteString(cur + "@app.route(\"/custom-metrics\")\n" + cur + "def custom_metrics():\n")
	b.WriteString(regBlock)
	b.WriteString(body + "return generate_latest(registry)\n")
	if levels >= 1 {
		b.WriteString(cur + "return app\n")
	}
	return mergeImports(insertAppBlock(t, b.String(), p), regImports)
}

// TestPythonCompiles renders every Python snippet for both flavours, with and without Redis, at
// several indents, and checks each file with `python3 -m py_compile` and pyflakes (which also
// catches a name used without its import).
func TestPythonCompiles(t *testing.T) {
	need(t, python)
	pyflakes := exec.Command(python, "-m", "pyflakes", "--version").Run() == nil
	for _, flavour := range []Flavour{Raw, Exporter} {
		for _, redis := range []bool{false, true} {
			for _, ind := range []string{"", "    ", "        ", "\t", "\t\t"} {
				p := Params{Flavour: flavour, AppTag: "demo", Redis: redis, Package: "demo",
					Business: testBusiness}
				if redis {
					p.MetricsPath = "/internal/metrics" // the exporter's path= branch
				}
				name := string(flavour) + map[bool]string{true: "-redis"}[redis] + "-" + strings.NewReplacer(" ", "s", "\t", "t").Replace(ind)
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					dir := t.TempDir()
					files := map[string]string{"app.py": flaskModule(t, p, ind)}
					for n, c := range must(AppFiles(p)) {
						files[n] = c
					}
					files["gunicorn.conf.py"] = GunicornConfig(p, "4")
					files["gunicorn_default_workers.py"] = GunicornConfig(p, "")
					// The pieces as the MP2xx fixes insert them into an existing config.
					files["gunicorn_pieces.py"] = GunicornPreamble(p) + "\nbind = \"0.0.0.0:8000\"\n\n\n" +
						OnStartingHook(p) + "\n\n" + ChildExitHook(p)
					files["business_metrics_all.py"] = must(BusinessMetricsModule(p, testBusiness))
					files["business_metrics_none.py"] = must(BusinessMetricsModule(p, nil))
					writeFiles(t, dir, files)
					// One interpreter per tool for all files keeps this test fast.
					var paths []string
					for n := range files {
						paths = append(paths, filepath.Join(dir, n))
					}
					if out, err := exec.Command(python, append([]string{"-m", "py_compile"}, paths...)...).CombinedOutput(); err != nil {
						t.Errorf("does not compile: %v\n%s\n%s", err, out, dump(files))
					}
					if pyflakes {
						if out, err := exec.Command(python, "-m", "pyflakes", dir).CombinedOutput(); err != nil || len(out) > 0 {
							t.Errorf("pyflakes: %v\n%s\n%s", err, out, dump(files))
						}
					}
				})
			}
		}
	}
}

// TestBlocksRespectIndent checks the contract callers rely on: every non-blank block line starts
// with p.Indent, the block ends in exactly one newline, and imports are whole import lines.
func TestBlocksRespectIndent(t *testing.T) {
	for _, flavour := range []Flavour{Raw, Exporter} {
		for _, ind := range []string{"", "  ", "    ", "\t"} {
			p := Params{Flavour: flavour, AppTag: "demo", Indent: ind, Redis: true}
			imports, block, err := AppBlock(p)
			if err != nil {
				t.Fatal(err)
			}
			i2, b2 := PerRequestRegistry(p, "reg")
			for _, b := range []string{block, b2} {
				if !strings.HasSuffix(b, "\n") || strings.HasSuffix(b, "\n\n") {
					t.Errorf("block must end in exactly one newline: %q", b)
				}
				for _, l := range strings.Split(strings.TrimSuffix(b, "\n"), "\n") {
					if l != "" && !strings.HasPrefix(l, ind) {
						t.Errorf("line %q lacks indent %q", l, ind)
					}
					if strings.HasPrefix(strings.TrimPrefix(l, ind), "\t") {
						t.Errorf("line %q mixes a tab into the block's own indentation", l)
					}
				}
			}
			for _, imp := range append(imports, i2...) {
				if !strings.HasPrefix(imp, "import ") && !strings.HasPrefix(imp, "from ") {
					t.Errorf("not an import line: %q", imp)
				}
			}
		}
	}
}

func TestAppBlockRejectsBadParams(t *testing.T) {
	for _, p := range []Params{
		{Flavour: "pyramid"},
		{AppVar: "my-app"},
		{Package: "x-y"},
		{Indent: "x"},
		{MetricsPath: "metrics"},
	} {
		if _, _, err := AppBlock(p); err == nil {
			t.Errorf("AppBlock(%+v): want an error", p)
		}
	}
}

// TestGaugeModesFitEveryClient: snippets do not know the project's client version, so every
// multiprocess_mode they emit must be one that all clients accept (deps.GaugeModes, Since "").
func TestGaugeModesFitEveryClient(t *testing.T) {
	modeArg := regexp.MustCompile(`multiprocess_mode="([^"]*)"`)
	seen := 0
	for _, f := range []Flavour{Raw, Exporter} {
		p := Params{Flavour: f, Redis: true, Business: testBusiness}
		files := must(AppFiles(p))
		_, block, _ := AppBlock(p)
		all := block + GunicornConfig(p, "4") + files["prom_metrics.py"] + files["business_metrics.py"]
		for _, m := range modeArg.FindAllStringSubmatch(all, -1) {
			seen++
			if since, valid := deps.ModeSince(m[1]); !valid || since != "" {
				t.Errorf("%s: multiprocess_mode %q needs client %q (valid %v)", f, m[1], since, valid)
			}
		}
	}
	if seen == 0 {
		t.Error("no multiprocess_mode found: the test no longer looks where the gauges are")
	}
}

func TestDefaultMultiprocDir(t *testing.T) {
	for in, want := range map[string]string{
		"demo": "/tmp/prometheus-multiproc-demo", "my app/../x": "/tmp/prometheus-multiproc-my-app-..-x",
		"": "/tmp/prometheus-multiproc-app", "..": "/tmp/prometheus-multiproc-app",
	} {
		if got := DefaultMultiprocDir(in); got != want {
			t.Errorf("DefaultMultiprocDir(%q) = %q, want %q", in, got, want)
		}
	}
}

func dump(files map[string]string) string {
	var b strings.Builder
	for n, c := range files {
		b.WriteString("--- " + n + ":\n" + c)
	}
	return b.String()
}
