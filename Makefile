# The city migration dashboard. Every target sets up what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DB     ?= $(or $(MC2CM_DB),data/mc2cm.duckdb)
PORT   ?= 8501

.PHONY: run test data build bench e2e-deps clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(DB): $(VENV)/.installed $(wildcard data/harmonised/*) $(wildcard data/catalog/*.yaml)
	MC2CM_DB=$(DB) $(PY) -m analytics build

## run: set up the environment, build the database if needed, serve the app on localhost
run: $(VENV)/.installed $(DB)
	MC2CM_DB=$(DB) $(PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port $(PORT)

## test: set up and run the whole suite (unit, data, app, end-to-end)
test: $(VENV)/.installed $(DB) e2e-deps
	MC2CM_DB=$(DB) $(PY) -m pytest -q

## data: re-run the harmonise steps from ../shared/data (or MC2CM_RAW), then rebuild
data: $(VENV)/.installed
	$(PY) -m analytics data
	MC2CM_DB=$(DB) $(PY) -m analytics build

## build: validate data/harmonised and rebuild the database atomically
build: $(VENV)/.installed
	MC2CM_DB=$(DB) $(PY) -m analytics build

## bench: scale-up benchmarks (1x, 10x, 100x)
bench: $(VENV)/.installed $(DB)
	MC2CM_DB=$(DB) $(PY) -m benchmarks.run --scales 1 10 100

# Debian's chromium for the end-to-end tests (installed when running as root and missing).
e2e-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; end-to-end tests will be skipped"; \
	  else echo "note: /usr/bin/chromium missing and not root; end-to-end tests will be skipped"; fi; \
	fi
	@test -f tests/e2e/.axe/node_modules/axe-core/axe.min.js || npm install --prefix tests/e2e/.axe --no-audit --no-fund --loglevel=error axe-core@4

clean:
	rm -rf $(VENV) $(DB)
