package snippets

import "strings"

// PrometheusScrapeConfig returns deploy/prometheus.yml: one job named after the application,
// scraping target (host:port) at MetricsPath, with an `application` label the dashboard's
// variable selects on. Valid for `promtool check config`.
func PrometheusScrapeConfig(p Params, target string) string {
	return mustRender("prometheus_yml", struct {
		P      Params
		Target string
	}{p.withDefaults(), target})
}

// DockerfileSnippet sets the variable with ENV and wipes the directory before gunicorn starts.
func DockerfileSnippet(p Params) string { return renderDeploy("dockerfile", p) }

// ComposeSnippet sets the variable and mounts the directory as a tmpfs (empty on every start).
func ComposeSnippet(p Params) string { return renderDeploy("compose", p) }

// SystemdSnippet sets the variable with Environment= and wipes the directory in ExecStartPre.
func SystemdSnippet(p Params) string { return renderDeploy("systemd", p) }

func renderDeploy(name string, p Params) string { return mustRender(name, p.withDefaults()) }

// shJSON quotes s for sh and then escapes it for a JSON string (a Dockerfile exec-form CMD
// running `sh -c`).
func shJSON(s string) string {
	sh := "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(sh)
}

// systemdQuote quotes s as one systemd command-line argument: "%" and "$" are specifiers there.
func systemdQuote(s string) string {
	return strings.NewReplacer("%", "%%", "$", "$$").Replace(pyQuote(s))
}
