package deps

// UpperCaseEnvVarSince is the first version of each exporter whose own
// test of the variable, before it aggregates the workers' files, accepts
// PROMETHEUS_MULTIPROC_DIR: prometheus_flask_exporter 0.18.2;
// prometheus-fastapi-instrumentator 5.10.0 (expose() tested only the
// lowercase name up to 5.9.1).
var UpperCaseEnvVarSince = map[string]string{
	"prometheus-flask-exporter":         "0.18.2",
	"prometheus-fastapi-instrumentator": "5.10.0",
}
