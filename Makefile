# Two commands do all the set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test fuzz lint typecheck check bench clean install install-musicgen install-demucs web web-test web-install

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

# ---------------------------------------------------------------- apps/web
# The Next.js starting point (docs/frontend.md). `make web` serves it against
# an engine already running (`make run` in another terminal, started with
# SOUNDSTAGE_CORS_ORIGINS='["http://127.0.0.1:3000"]' so the browser may call it).
WEB := apps/web
WEB_STAMP := $(WEB)/node_modules/.installed
WEB_PORT ?= 3000
ENGINE_URL ?= http://$(HOST):$(PORT)

$(WEB_STAMP): $(WEB)/package-lock.json
	cd $(WEB) && npm ci --no-audit --no-fund
	touch $@

web-install: $(WEB_STAMP)

web: $(WEB_STAMP)
	cd $(WEB) && NEXT_PUBLIC_ENGINE_URL=$(ENGINE_URL) npx next dev --hostname $(HOST) --port $(WEB_PORT)

# Generated types up to date, type check (app and docs snippets), lint, unit
# tests, then end-to-end in Debian's Chromium against a live engine started
# by the test (screenshots in apps/web/artifacts/e2e/).
web-test: $(STAMP) $(WEB_STAMP)
	cd $(WEB) && npm run check:api
	cd $(WEB) && npm run typecheck
	cd $(WEB) && npm run lint
	cd $(WEB) && npm test
	cd $(WEB) && SOUNDSTAGE_PYTHON=$(abspath $(BIN))/python npm run e2e
