package project

import "testing"

func TestClassify(t *testing.T) {
	tests := map[string]Kind{
		"app/views.py": KindPython, "requirements.txt": KindRequirements, "requirements-dev.txt": KindRequirements,
		"requirements/prod.txt": KindRequirements, "pyproject.toml": KindPyproject, "Procfile": KindProcfile,
		"Dockerfile": KindDockerfile, "docker/Dockerfile.prod": KindDockerfile, "docker-compose.yml": KindCompose,
		"compose.yaml": KindCompose, "deploy/shop.service": KindSystemd, "entrypoint.sh": KindShell,
		".env": KindDotenv, "README.md": KindOther,
	}
	for p, want := range tests {
		if got := Classify(p); got != want {
			t.Errorf("%s: %v, want %v", p, got, want)
		}
	}
}
