# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test fuzz lint typecheck check bench clean install install-musicgen install-demucs

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,piper,soxr]'
	touch $(STAMP)

install: $(STAMP)

# Optional: the musicgen provider's torch + transformers (CPU torch, ~1.5 GB).
install-musicgen: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[musicgen]'

install-demucs: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[demucs]'

run: $(STAMP)
	$(BIN)/soundstage run --host $(HOST) --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

# Schemathesis over every operation of the live OpenAPI, many more cases than
# the few per operation `make test` runs (FUZZ_EXAMPLES per operation).
FUZZ_EXAMPLES ?= 300
fuzz: $(STAMP)
	SOUNDSTAGE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_schemathesis.py

lint: $(STAMP)
	$(BIN)/ruff check apps tests $(wildcard bench)
	$(BIN)/lint-imports
	$(BIN)/ruff format --check apps tests $(wildcard bench)

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

bench: $(STAMP)
	$(BIN)/python bench/api.py

clean:
	-$(BIN)/soundstage db stop
	rm -rf $(VENV) .data
