package project

import "testing"

func TestClassify(t *testing.T) {
	tests := map[string]Kind{
		"app/views.py": KindPython, "requirements.txt": KindRequirements, "requirements-dev.txt": KindRequirements,
		"requirements/prod.txt": KindRequirements, "pyproject.toml": KindPyproject, "Procfile": KindProcfile,
		"Dockerfile": KindDockerfile, "docker/Dockerfile.prod": KindDockerfile, "docker-compose.yml": KindCompose,
		"compose.yaml": KindCompose, "deploy/shop.service": KindSystemd, "entrypoint.sh": KindShell,
		".env": KindDotenv, "README.md": KindOther,
		"Containerfile": KindDockerfile, "Containerfile.prod": KindDockerfile, "deploy/Containerfile.md": KindOther,
		"wisdom-service.Containerfile": KindDockerfile, "web.containerfile": KindDockerfile, "api.Dockerfile": KindDockerfile,
		"docs/Dockerfile.md": KindOther,
	}
	for p, want := range tests {
		if got := Classify(p); got != want {
			t.Errorf("%s: %v, want %v", p, got, want)
		}
	}
}

// A file at another path (a service's view of a shared compose file) reads
// the deploy model of the file it copies, parsed once for all copies: a
// root compose file that builds every service is in each of their
// projects, and parsed per copy a check was quadratic in the services.
func TestAtSharesTheDeployModel(t *testing.T) {
	f := &File{Path: "docker-compose.yml", Kind: KindCompose, Src: []byte("services:\n  api:\n    build: ./api\n")}
	a := f.At("../docker-compose.yml")
	b := a.At("../../docker-compose.yml")
	if a.Path != "../docker-compose.yml" || a.Kind != f.Kind || string(a.Src) != string(f.Src) {
		t.Fatalf("At: %+v", a)
	}
	m := f.Deploy()
	if m == nil || len(m.Builds) != 1 {
		t.Fatalf("Deploy: %+v", m)
	}
	if a.Deploy() != m || b.Deploy() != m {
		t.Errorf("the copies parse the compose file again: %p %p, want %p", a.Deploy(), b.Deploy(), m)
	}
}
