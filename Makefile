# Accord: `make run` starts everything on the embedded default; `make test` runs the whole suite.
# The first of these that runs and is Python 3.11 or newer (3.11 to 3.13 are tested); a pyenv
# shim for a version that is not enabled fails to run and is passed over. PYTHON=... overrides.
PYTHON_CANDIDATES := python3.11 python3.12 python3.13 python3
ifeq ($(origin PYTHON),undefined)
PYTHON := $(firstword $(foreach p,$(PYTHON_CANDIDATES),$(shell $(p) -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && echo $(p))))
endif
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install codegen lint chromium axe lsml bench clean

$(VENV)/.installed: requirements.txt requirements-dev.txt client/pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Accord needs Python 3.11 or newer (3.11 to 3.13 are tested), and none of"; \
	  echo "$(PYTHON_CANDIDATES) runs as one here. Install one, or name it: make $(MAKECMDGOALS) PYTHON=/path/to/python3.x"; \
	  exit 1; \
	fi
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { echo "PYTHON=$(PYTHON) is not Python 3.11 or newer"; exit 1; }
	@echo "Using $$($(PYTHON) -c 'import sys; print(sys.executable, sys.version.split()[0])') for $(VENV)"
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# openapi-python-client caps httpx below the version Accord pins, so the generated-client test
# runs it from a virtualenv of its own inside this one (built for `make test` only).
CODEGEN := $(VENV)/codegen
$(CODEGEN)/.installed: requirements-codegen.txt $(VENV)/.installed
	test -x $(CODEGEN)/bin/python || $(PY) -m venv $(CODEGEN)
	$(CODEGEN)/bin/python -m pip install --quiet -r requirements-codegen.txt
	touch $@

install: $(VENV)/.installed

codegen: $(CODEGEN)/.installed

# The web server and a Celery worker together, on SQLite and the filesystem broker; the worker
# embeds the beat scheduler (-B) for the periodic sweeps, and consumes every queue (-Q).
run: install
	mkdir -p var/media
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Open http://$(HOST):$(PORT)/ and log in as one of the users above."
	@trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) -m celery -A config worker -B -Q default,imports,prelabel,review --loglevel=INFO --pool=solo --without-heartbeat --without-gossip --without-mingle & worker=$$!; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Chromium for the browser tests (Debian's package); needs root for apt-get.
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is missing (apt-get install chromium); browser tests will be skipped."; fi; \
	fi

# axe-core for the accessibility browser tests (tests/browser/test_accessibility.py), from its
# npm package into var/axe (no CDN). Without npm those tests skip here and fail under CI=true.
AXE_VERSION := 4.14.1
axe:
	@if [ ! -d var/axe ]; then \
	  if command -v npm >/dev/null; then \
	    mkdir -p var && npm install --no-save --no-audit --no-fund --prefix var/axe axe-core@$(AXE_VERSION); \
	  else echo "npm is missing: the accessibility browser tests will be skipped (they fail under CI=true)."; fi; \
	fi

# The real label-studio-ml server for the model server tests, in a virtualenv of its own
# (its pins clash with ours); tests/test_model_server_lsml.py starts it as a subprocess and
# skips without it on a user's machine, but fails under CI=true.
LSML_VENV ?= .venv-lsml
$(LSML_VENV)/.installed: requirements-lsml.txt
	@test -n "$(PYTHON)" || { echo "No Python 3.11+ found for $(LSML_VENV)"; exit 1; }
	test -x $(LSML_VENV)/bin/python || $(PYTHON) -m venv $(LSML_VENV)
	$(LSML_VENV)/bin/python -m pip install --quiet -r requirements-lsml.txt
	touch $@

lsml: $(LSML_VENV)/.installed

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn > /dev/null

test: install codegen chromium axe lsml
	mkdir -p var
	$(VENV)/bin/pytest -q -p no:randomly $(PYTEST_ARGS)

bench: install
	@echo "Benchmarks print their figures: see bench/README.md"

clean:
	rm -rf $(VENV) $(LSML_VENV) var
