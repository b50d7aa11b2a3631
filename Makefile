# epicontrol: the two commands of the README (`make demo`, `make test`) do all their own set-up.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
STAMP := $(VENV)/.installed
SYSSTAMP := var/.sysdeps

.PHONY: demo demo-reset test test-fast lint format bench lock install sysdeps messages clean

$(STAMP): requirements/base.txt requirements/dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements/base.txt -r requirements/dev.txt
	touch $(STAMP)

install: $(STAMP)

# Debian packages the suite and the printable documents need: Chromium for browser tests,
# Noto CJK so Chinese renders in screenshots and PDFs, gettext for translations, Pango for
# WeasyPrint, a Java runtime for the local Spark tests. Installed only when missing.
sysdeps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -q "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	ldconfig -p | grep -q libpangoft2 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

messages: $(STAMP)
	$(PY) manage.py compilemessages --ignore=.venv -v0

var:
	mkdir -p var

demo: $(STAMP) sysdeps messages var
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_divisions
	$(PY) manage.py seed_demo
	@echo "Serving at http://127.0.0.1:$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:$(PORT) --noreload

demo-reset: var
	rm -f var/epicontrol.sqlite3 var/epicontrol.sqlite3-wal var/epicontrol.sqlite3-shm
	$(MAKE) demo

# The whole suite: unit, API, schemathesis, browser (Chromium), Spark (local[2]). On SQLite by
# default, on PostgreSQL when DATABASE_URL is set.
test: $(STAMP) sysdeps messages var
	$(PY) -m pytest -n $${PYTEST_WORKERS:-2} --dist loadgroup $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy epicontrol epitrace config
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Benchmarks need PostgreSQL: DATABASE_URL defaults to the machine's server.
bench: $(STAMP) sysdeps
	DATABASE_URL=$${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test} $(PY) benchmarks/run.py $(BENCH)

# Re-pin the lock files (no registry addresses are written into them).
lock: $(STAMP)
	cd requirements && ../$(VENV)/bin/pip-compile -q --no-emit-index-url --no-emit-find-links --strip-extras -o base.txt base.in
	cd requirements && ../$(VENV)/bin/pip-compile -q --no-emit-index-url --no-emit-find-links --strip-extras -o dev.txt dev.in

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
