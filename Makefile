# The two commands a new user needs (see README.md):
#   make demo   build multiprom and run it on the bundled buggy demo project
#   make test   install the test programs and run the whole test suite
#   make vsix   the VS Code extension for this machine (linux-x64 here), with
#               its server in bin/<target>/, as dist/multiprom-<target>-<version>.vsix
#   make wheel  the Python wheel for this machine, the server on the PATH of
#               whatever installs it (pip, pipx, uvx), as
#               dist/multiprom-<version>-py3-none-<platform>.whl; its platform
#               tag is read from bin/multiprom (scripts/mkwheel)
# The version of all three is editors/vscode/package.json's "version".

GO ?= go
BIN := bin/multiprom

.PHONY: build demo test docs vsix wheel

build:
	$(GO) build -o $(BIN) ./cmd/multiprom

# The demo has planted bugs, so check exits 1: that is the expected outcome.
demo: build
	@echo "== multiprom check testdata/demo"
	@$(BIN) check testdata/demo; status=$$?; \
	if [ $$status -ne 1 ]; then echo "expected findings (exit 1), got exit $$status"; exit 1; fi
	@echo
	@echo "== multiprom check --diff testdata/demo (what --fix would write; nothing is written)"
	@$(BIN) check --diff testdata/demo | head -n 40; echo "   ..."
	@echo
	@echo "Fix a copy:  cp -r testdata/demo /tmp/demo && $(BIN) check --fix /tmp/demo"

test:
	bash scripts/test.sh

docs:
	$(GO) run ./docs/gen

# The platform-specific .vsix for this machine (linux-x64 here), carrying the
# server in bin/linux-x64/; other targets: editors/vscode/scripts/package.sh.
vsix:
	cd editors/vscode && npm ci --no-audit --no-fund && scripts/package.sh "$$(node -p 'process.platform + "-" + process.arch')" ../../dist

# The wheel of bin/multiprom for this machine: a zip with the binary in
# multiprom-<version>.data/scripts/ (no Python tooling needed to build it).
wheel: build
	$(GO) run ./scripts/mkwheel -binary $(BIN) -out dist
