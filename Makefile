# The city migration dashboard. Every target sets up what it needs.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
DB     ?= $(or $(MC2CM_DB),data/mc2cm.duckdb)
PORT   ?= 8501

.PHONY: run test test-fast mutation data build bench e2e-deps clean

# requirements.txt is generated from pyproject.toml; requirements.lock pins every transitive version
# (python tests/packaging/requirements.py --write / --lock).
$(VENV)/.installed: requirements.txt requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -c requirements.lock
	touch $@

$(DB): $(VENV)/.installed $(wildcard data/harmonised/*) $(wildcard data/catalog/*.yaml)
	MC2CM_DB=$(DB) $(PY) -m analytics build

## run: set up the environment, build the database if needed, serve the app on localhost
run: $(VENV)/.installed $(DB) e2e-deps
	MC2CM_DB=$(DB) $(PY) -m streamlit run serve_app.py --server.address 127.0.0.1 --server.port $(PORT)

## test: set up and run the whole suite (unit, data, app, end-to-end)
test: $(VENV)/.installed $(DB) e2e-deps
	MC2CM_DB=$(DB) $(PY) -m pytest -q

## test-fast: the suite without the tests marked slow (tests/conftest.py SLOW_TESTS), on 2 processes: about a minute
test-fast: $(VENV)/.installed $(DB)
	MC2CM_DB=$(DB) $(PY) -m pytest -q -m "not slow" -n 2

## mutation: mutmut over the modules that hold the promises, per module with its own tests (~10-30 min;
## not in CI's path): tests/mutation/RESULTS.md; surviving mutants must be listed in tests/mutation/EQUIVALENT.md
mutation: $(VENV)/.installed
	$(PY) -m pip install --quiet "mutmut==3.8.1" -c requirements.lock
	$(PY) tests/mutation/run.py

## data: re-run the harmonise steps from ../shared/data (or MC2CM_RAW), then rebuild
data: $(VENV)/.installed
	$(PY) -m analytics data
	MC2CM_DB=$(DB) $(PY) -m analytics build

## build: validate data/harmonised and rebuild the database atomically
build: $(VENV)/.installed
	MC2CM_DB=$(DB) $(PY) -m analytics build

## bench: what users wait for at 1x, 10x, 100x (server + headless Chromium, RSS, 20/50 sessions; ~45 min;
## synthetic databases cached in /tmp/mc2cm-bench): benchmarks/results.json, README.md, ANALYSIS.md
bench: $(VENV)/.installed $(DB) e2e-deps
	MC2CM_DB=$(DB) $(PY) -m benchmarks.run --scales 1 10 100 --runs 10 --page-runs 5 --concurrency 20 50
	MC2CM_DB=$(DB) $(PY) -m benchmarks.briefs > benchmarks/briefs_1x.txt && cat benchmarks/briefs_1x.txt

# System packages (Debian), installed when running as root and missing, else the command is printed:
# chromium (end-to-end tests; kaleido draws the briefs' chart images with it), fonts-noto-core
# (Noto Sans and Noto Sans Arabic, SIL Open Font License 1.1: Arabic glyphs for PDF briefs and images),
# poppler-utils (pdftotext / pdftoppm: the brief tests read PDFs back), nginx and supervisor (deploy/:
# the replicas behind a reverse proxy, and its end-to-end test).
e2e-deps:
	@missing=""; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "NotoSansArabic" || missing="$$missing fonts-noto-core"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	[ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	command -v supervisord >/dev/null || missing="$$missing supervisor"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	      || echo "warning: could not install$$missing; end-to-end tests will be skipped and PDF/PPTX briefs will say what is missing"; \
	  else echo "note: missing$$missing and not root: run 'sudo apt-get install -y$$missing' (end-to-end tests, PDF and PPTX briefs)"; fi; \
	fi
	@test -f tests/e2e/.axe/node_modules/axe-core/axe.min.js || npm install --prefix tests/e2e/.axe --no-audit --no-fund --loglevel=error axe-core@4 \
	  || echo "warning: could not install axe-core from npm; the accessibility tests will be skipped"

clean:
	rm -rf $(VENV) $(DB)
