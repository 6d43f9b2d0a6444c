package project

import (
	"strings"
	"testing"
)

// Each dependency file pins the client where its own tool reads it, and
// its Loc points at the pin.
func TestDependencyFilesPin(t *testing.T) {
	for _, tc := range []struct {
		name, path, src, spec, at string
	}{
		{"requirements", "requirements.txt", "flask\nprometheus_client==0.7.1 ; python_version > '3'\n", "==0.7.1", "prometheus_client==0.7.1 ; python_version > '3'"},
		{"pipfile string", "Pipfile", "[packages]\nflask = \"*\"\nprometheus-client = \"==0.7.1\"\n\n[dev-packages]\npytest = \"*\"\n", "==0.7.1", "prometheus-client"},
		{"pipfile table", "Pipfile", "[packages]\n\"prometheus_client\" = {version = \">=0.9,<0.10\"}\n", ">=0.9,<0.10", "\"prometheus_client\""},
		{"pipfile any", "Pipfile", "[packages]\nprometheus-client = \"*\"\n", "", "prometheus-client"},
		{"setup.cfg", "setup.cfg", "[metadata]\nname = x\n\n[options]\ninstall_requires =\n    flask>=2\n    prometheus_client==0.7.1\n", "==0.7.1", "prometheus_client==0.7.1"},
		{"setup.py", "setup.py", "from setuptools import setup\n\nsetup(\n    name='x',\n    install_requires=['flask', 'prometheus_client==0.7.1'],\n)\n", "==0.7.1", "'prometheus_client==0.7.1'"},
		{"setup.py name", "setup.py", "from setuptools import setup\nrun = [\n    'flask==1.1.2',\n    'prometheus_client==0.7.1',\n]\nsetup(install_requires=run)\n", "==0.7.1", "'prometheus_client==0.7.1'"},
		{"distutils", "pkg/setup.py", "import distutils.core\ndistutils.core.setup(install_requires=[\"prometheus-client>=0.8\"])\n", ">=0.8", "\"prometheus-client>=0.8\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := testProject(t, map[string]string{tc.path: tc.src})
			if len(p.Problems) > 0 {
				t.Fatalf("problems: %v", p.Problems)
			}
			r := p.Facts.Requirements["prometheus-client"]
			if r == nil {
				t.Fatalf("no prometheus-client pin read from %s; have %v", tc.path, p.Facts.Requirements)
			}
			if r.Spec != tc.spec {
				t.Errorf("spec %q, want %q", r.Spec, tc.spec)
			}
			if got := r.Loc.File.Text(r.Loc.Span); got != tc.at {
				t.Errorf("pin at %q, want %q", got, tc.at)
			}
			if tc.path == "Pipfile" && p.Facts.Requirements["pytest"] != nil {
				t.Errorf("a [dev-packages] entry was read as deployed")
			}
		})
	}
}

// Lists built at run time are not guessed at, and other calls' keywords
// are not pins.
func TestSetupPyReadsOnlyLiteralInstallRequires(t *testing.T) {
	p := testProject(t, map[string]string{
		"setup.py": "from setuptools import setup\nreqs = open('requirements.in').read().split()\nsetup(install_requires=reqs)\n" +
			"extra = ['prometheus_client==0.2']\nextra += ['flask']\nsetup(install_requires=extra)\n" +
			"other(install_requires=['prometheus_client==0.1'])\n",
	})
	if r := p.Facts.Requirements["prometheus-client"]; r != nil {
		t.Errorf("read a pin %q from %s", r.Spec, r.Loc.File.Path)
	}
}

// A Pipfile that does not parse is a problem on its line, not a silent
// absence of pins.
func TestBrokenPipfileIsAProblem(t *testing.T) {
	p := testProject(t, map[string]string{"Pipfile": "[packages]\nflask = \"*\"\nprometheus-client = ==0.7\n"})
	if len(p.Problems) != 1 {
		t.Fatalf("problems %v, want one", p.Problems)
	}
	pr := p.Problems[0]
	if pr.Path != "Pipfile" || pr.Line != 3 || !strings.Contains(pr.Message, "cannot read Pipfile") {
		t.Errorf("problem %+v, want Pipfile line 3 'cannot read Pipfile'", pr)
	}
}
