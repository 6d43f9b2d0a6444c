package python

import (
	"context"
	"testing"
)

func summarize(t *testing.T, src string) *Module {
	t.Helper()
	m, err := Parse(context.Background(), []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSummarizeCallsAndScopes(t *testing.T) {
	m := summarize(t, `import os
from prometheus_client import Gauge as G, multiprocess
import prometheus_client as pc

X = G("x", "help", multiprocess_mode="livesum")


def create_app(a, b=1, *args, **kw):
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        m = pc.Counter("c", "h")
    else:
        m = None
    X.labels("a").inc()
    return m


@app.route("/metrics")
def metrics():
    return 1
`)
	calls := map[string]*Call{}
	for _, c := range m.Calls {
		calls[c.Func] = c
	}
	x := calls["G"]
	if x == nil || m.Qualify(x.Func) != "prometheus_client.Gauge" || x.TargetName() != "X" || x.Scope != nil {
		t.Fatalf("G call: %+v", x)
	}
	if kw := x.Keyword("multiprocess_mode"); kw == nil || kw.Value.Str() != "livesum" {
		t.Errorf("keyword: %+v", kw)
	}
	if n := x.Positional(0); n == nil || n.Str() != "x" {
		t.Errorf("positional 0: %+v", n)
	}
	c := calls["pc.Counter"]
	if c == nil || m.Qualify(c.Func) != "prometheus_client.Counter" || c.Scope == nil || c.Scope.Name != "create_app" {
		t.Fatalf("pc.Counter: %+v", c)
	}
	if len(c.Conds) != 1 || c.Conds[0].Else || c.Conds[0].Text != `"PROMETHEUS_MULTIPROC_DIR" in os.environ` {
		t.Errorf("conds: %+v", c.Conds)
	}
	inc := calls["X.labels().inc"]
	if inc == nil || inc.BaseName() != "X" || inc.MethodName() != "inc" || inc.Recv == nil {
		t.Errorf("chained call: %+v", inc)
	}
	fn := m.Func("create_app")
	if min, max := fn.Arity(); min != 1 || max != -1 {
		t.Errorf("arity = %d, %d", min, max)
	}
	if mf := m.Func("metrics"); mf == nil || len(mf.Decorators) != 1 || mf.Decorators[0].Text != `app.route("/metrics")` {
		t.Errorf("decorators: %+v", mf)
	}
	if len(m.Errors) != 0 {
		t.Errorf("syntax errors: %v", m.Errors)
	}
}

func TestSummarizeSyntaxErrors(t *testing.T) {
	m := summarize(t, "def f(:\n    pass\n")
	if len(m.Errors) == 0 {
		t.Error("want syntax errors recorded")
	}
}
