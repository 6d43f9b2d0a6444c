package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// djangoCounter is the counter of testdata/django-gunicorn's work view, as exposed.
const djangoCounter = "shop_order_views_total"

// startDjango runs testdata/django-gunicorn's Procfile command (gunicorn --workers 4
// mysite.wsgi) in dir.
func startDjango(t *testing.T, dir string) *demoServer {
	t.Helper()
	port := freePort(t)
	return startGunicorn(t, dir, port, baseEnv("PYTHONDONTWRITEBYTECODE=1"), "--bind", fmt.Sprintf("127.0.0.1:%d", port))
}

// TestDjangoGunicornCounters: testdata/django-gunicorn, a Django project whose hand-written
// /metrics view returns generate_latest(REGISTRY), served by `gunicorn --workers 4
// mysite.wsgi` (its Procfile's command). Before the fix each scrape shows the count of the
// worker that answers it and verify fails; after `multiprom check --fix` (MP104's per-request
// registry in the view, a gunicorn.conf.py that sets PROMETHEUS_MULTIPROC_DIR) and a restart
// with the same command every scrape shows exactly the requests made and verify passes.
func TestDjangoGunicornCounters(t *testing.T) {
	needE2E(t)
	requireProgram(t, gunicornBin, pythonBin)
	requirePythonModules(t, "django", "prometheus_client")
	dir := copyTestdata(t, "django-gunicorn")
	t.Run("before fix: counters depend on the worker", func(t *testing.T) {
		srv := startDjango(t, dir)
		load(t, srv)
		showsPerWorkerCounts(t, dir, srv, djangoCounter, srv.base+"/metrics")
	})
	if t.Failed() {
		return
	}
	t.Run("after fix: every scrape shows every request", func(t *testing.T) {
		fixesWith(t, dir, "MP104")
		if _, err := os.Stat(filepath.Join(dir, "gunicorn.conf.py")); err != nil {
			t.Errorf("the fix created no gunicorn.conf.py (the multiprocess directory's home): %v", err)
		}
		srv := startDjango(t, dir)
		load(t, srv)
		expectExactCounts(t, dir, srv, srv.base+"/metrics", djangoCounter)
	})
}

// djangoPrometheusFiles turn testdata/django-gunicorn into a django-prometheus project: the app
// installed with its middleware, /metrics served by its ExportToDjangoView
// (django_prometheus.urls), the hand-written view gone.
var djangoPrometheusFiles = map[string]string{
	"mysite/settings.py": `SECRET_KEY = "testdata-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django_prometheus", "shop"]
MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
ROOT_URLCONF = "mysite.urls"
USE_TZ = True
`,
	"mysite/urls.py": `from django.urls import include, path

from shop import views

urlpatterns = [
    path("work", views.work),
    path("", include("django_prometheus.urls")),
]
`,
	"shop/views.py": `from django.http import HttpResponse
from prometheus_client import Counter

ORDERS_VIEWED = Counter("shop_order_views", "Order pages served")


def work(request):
    ORDERS_VIEWED.inc()
    return HttpResponse("ok")
`,
}

// TestDjangoPrometheusGunicornCounters: the same project exposing its metrics through
// django-prometheus. ExportToDjangoView serves the answering worker's registry while
// PROMETHEUS_MULTIPROC_DIR is unset (scrapes disagree, verify fails); MP205's fix sets the
// variable at the top of a new gunicorn.conf.py, and after a restart the view sums every
// worker's files: every scrape shows the requests made, verify passes.
func TestDjangoPrometheusGunicornCounters(t *testing.T) {
	needE2E(t)
	requireProgram(t, gunicornBin, pythonBin)
	requirePythonModules(t, "django", "django_prometheus", "prometheus_client")
	dir := copyTestdata(t, "django-gunicorn")
	for name, text := range djangoPrometheusFiles {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("before fix: counters depend on the worker", func(t *testing.T) {
		srv := startDjango(t, dir)
		load(t, srv)
		showsPerWorkerCounts(t, dir, srv, djangoCounter, srv.base+"/metrics")
	})
	if t.Failed() {
		return
	}
	t.Run("after fix: every scrape shows every request", func(t *testing.T) {
		fixesWith(t, dir, "MP205")
		srv := startDjango(t, dir)
		load(t, srv)
		expectExactCounts(t, dir, srv, srv.base+"/metrics", djangoCounter)
	})
}
