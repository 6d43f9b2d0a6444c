package project

import (
	"context"
	"testing"

	"github.com/multiprom/multiprom/internal/config"
	"github.com/multiprom/multiprom/internal/frameworks"
)

// TestAppFrameworks: Flask(...), FastAPI(...) and Starlette(...) are app
// sites of their framework, whatever name the class is imported under; an
// unrelated class of the same name is not.
func TestAppFrameworks(t *testing.T) {
	cases := map[string]frameworks.Framework{
		"from flask import Flask\napp = Flask(__name__)\n":                              frameworks.Flask,
		"from fastapi import FastAPI\napp = FastAPI()\n":                                frameworks.FastAPI,
		"from fastapi import FastAPI as API\napp = API(title='x')\n":                    frameworks.FastAPI,
		"import fastapi\napp = fastapi.FastAPI()\n":                                     frameworks.FastAPI,
		"from fastapi.applications import FastAPI\ndef make():\n    return FastAPI()\n": frameworks.FastAPI,
		"from starlette.applications import Starlette\napp = Starlette(routes=[])\n":    frameworks.Starlette,
		"from myframework import FastAPI\napp = FastAPI()\n":                            "",
	}
	for src, want := range cases {
		f := &File{Path: "app.py", Kind: KindPython, Src: []byte(src)}
		p := NewProject(context.Background(), "/x", []*File{f}, config.Settings{})
		switch {
		case want == "" && len(p.Facts.Apps) != 0:
			t.Errorf("%q: found app %s, want none", src, p.Facts.Apps[0].Framework)
		case want != "" && len(p.Facts.AppsOf(want)) != 1:
			t.Errorf("%q: AppsOf(%s) = %d apps (all: %d), want 1", src, want, len(p.Facts.AppsOf(want)), len(p.Facts.Apps))
		}
	}
}

// TestASGIExportersArePrometheus: a FastAPI service whose only metrics come
// from prometheus-fastapi-instrumentator or starlette_exporter is a
// Prometheus project, so several gunicorn workers make it multiprocess.
func TestASGIExportersArePrometheus(t *testing.T) {
	for _, src := range []string{
		"from fastapi import FastAPI\nfrom prometheus_fastapi_instrumentator import Instrumentator\napp = FastAPI()\nInstrumentator().instrument(app).expose(app)\n",
		"from starlette.applications import Starlette\nfrom starlette_exporter import PrometheusMiddleware, handle_metrics\napp = Starlette()\napp.add_middleware(PrometheusMiddleware)\n",
	} {
		app := &File{Path: "app.py", Kind: KindPython, Src: []byte(src)}
		conf := &File{Path: "gunicorn.conf.py", Kind: KindPython, Src: []byte("workers = 4\nworker_class = 'uvicorn.workers.UvicornWorker'\n")}
		p := NewProject(context.Background(), "/x", []*File{app, conf}, config.Settings{})
		if !p.Facts.Prometheus || !p.Facts.Multiprocess {
			t.Errorf("%q: Prometheus=%v Multiprocess=%v, want both", src, p.Facts.Prometheus, p.Facts.Multiprocess)
		}
	}
}
