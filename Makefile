# archc — the two commands of the README:
#   make demo   install archc (runtime dependencies only) into .venv and run the main job on the
#               Sagebrush example (writes out/)
#   make test   install the dev extra (pytest, hypothesis, cfn-lint, ruff, mypy) and run the whole test suite
# Graphviz (`dot`) must be installed for PNG/SVG: apt-get install graphviz / brew install graphviz.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
EXAMPLE := examples/sagebrush

.PHONY: demo test lint-self bench bytecode docs-regen clean

# Two stamps: the runtime (what `make demo` needs) and the dev extra on top (what `make test` needs).
$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

tests/js/node_modules/.installed: tests/js/package.json tests/js/package-lock.json
	cd tests/js && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# A regular `pip install` compiles the package's bytecode; an editable one leaves that to the first
# run, and under PYTHONDONTWRITEBYTECODE=1 every run compiles archc again (+50 ms per command).
bytecode: $(BIN)/.installed
	$(BIN)/python -m compileall -q archc

demo: $(BIN)/.installed bytecode
	$(BIN)/archc lint $(EXAMPLE)
	$(BIN)/archc build $(EXAMPLE) -o out/cloudformation
	$(BIN)/archc diagram $(EXAMPLE) -f mermaid -o out/sagebrush.mmd
	$(BIN)/archc diagram $(EXAMPLE) -f png -o out/sagebrush.png
	$(BIN)/archc docs $(EXAMPLE) -o out/docs
	@echo "done: see out/"

test: $(BIN)/.installed-dev tests/js/node_modules/.installed
	$(BIN)/pytest

# the project's own checks on its code
lint-self: $(BIN)/.installed-dev
	$(BIN)/ruff check archc tests benchmarks
	$(BIN)/mypy archc

# regenerate every committed generated file (golden files, docs, schema, README image)
docs-regen: $(BIN)/.installed-dev
	$(BIN)/archc schema -o docs/schema.json
	$(BIN)/python -m archc.rules.docs
	$(BIN)/python -m archc.model.reference
	$(BIN)/archc docs $(EXAMPLE) -o docs/examples/sagebrush
	$(BIN)/archc diagram $(EXAMPLE) -f png -o docs/images/sagebrush.png
	$(BIN)/archc diagram $(EXAMPLE) --update docs/mermaid.md
	$(BIN)/pytest --update-golden -q

bench: $(BIN)/.installed bytecode
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf out .pytest_cache .hypothesis
