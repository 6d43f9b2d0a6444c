package deploy

// Parse reads one deploy file of the given kind. It never panics on bad
// input: what cannot be read is a Problem, and the rest of the file is
// still read where the format allows it.
func Parse(kind Kind, src []byte) *Model {
	m := &Model{}
	switch kind {
	case Procfile:
		parseProcfile(src, m)
	case Dockerfile:
		parseDockerfile(src, m)
	case Compose:
		parseCompose(src, m)
	case Systemd:
		parseSystemd(src, m)
	case Shell:
		sh := newShell(m, AtStart, nil, "shell", "", "", nil)
		sh.spanOf = exactSpan(src)
		sh.run(string(src), 0)
	case Dotenv:
		parseDotenv(src, m)
	case Supervisord:
		parseSupervisord(src, m)
	case Kubernetes:
		parseKubernetes(src, m)
	case Uwsgi:
		parseUwsgi(src, m)
	}
	return m
}
