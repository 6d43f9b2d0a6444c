package frameworks

import "testing"

// TestUvicornWorkers follows uvicorn's own order (main.py, config.py):
// --workers, then UVICORN_WORKERS, then WEB_CONCURRENCY, else 1; --reload
// runs one process whatever --workers says.
func TestUvicornWorkers(t *testing.T) {
	cases := []struct {
		args       []string
		env        map[string]string
		n          int
		expression bool
	}{
		{[]string{"uvicorn", "main:app"}, nil, 1, false},
		{[]string{"uvicorn", "main:app", "--workers", "4"}, nil, 4, false},
		{[]string{"uvicorn", "main:app", "--workers=3"}, map[string]string{"WEB_CONCURRENCY": "8"}, 3, false},
		{[]string{"uvicorn", "main:app"}, map[string]string{"WEB_CONCURRENCY": "2"}, 2, false},
		{[]string{"uvicorn", "main:app"}, map[string]string{"UVICORN_WORKERS": "5", "WEB_CONCURRENCY": "2"}, 5, false},
		{[]string{"uvicorn", "main:app", "--workers", "$WORKERS"}, nil, 0, true},
		{[]string{"uvicorn", "main:app", "--reload", "--workers", "4"}, nil, 1, false},
	}
	for _, c := range cases {
		n, expr := UvicornWorkers(c.args, func(name string) (string, bool) { v, ok := c.env[name]; return v, ok })
		if n != c.n || expr != c.expression {
			t.Errorf("%v %v: got (%d, %v), want (%d, %v)", c.args, c.env, n, expr, c.n, c.expression)
		}
	}
}

// TestServerArgs: a server run directly, through python -m or a runner;
// an installer naming it does not run it.
func TestServerArgs(t *testing.T) {
	for _, c := range []struct {
		args []string
		want int // len of the result, 0 for nil
	}{
		{[]string{"uvicorn", "main:app", "--workers", "4"}, 4},
		{[]string{"python", "-m", "uvicorn", "main:app"}, 2},
		{[]string{"poetry", "run", "uvicorn", "main:app"}, 2},
		{[]string{"pip", "install", "uvicorn"}, 0},
		{[]string{"gunicorn", "main:app"}, 0},
	} {
		if got := ServerArgs(c.args, "uvicorn"); len(got) != c.want || (got != nil && got[0] != "uvicorn") {
			t.Errorf("ServerArgs(%v) = %v", c.args, got)
		}
	}
}
