# Casework — two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app casework
PO_FILES := $(wildcard casework/translations/*/LC_MESSAGES/messages.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test install install-dev translations db demo extract-messages clean browser-tools \
	office-tools documents

run: install translations db demo  ## set up and serve on http://127.0.0.1:$(PORT)
	@echo "Casework on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	$(FLASK) run --debug --host 127.0.0.1 --port $(PORT)

# The suite runs on every core (pytest-xdist): each worker has its own app, SQLite file
# or PostgreSQL schema. PYTEST_ARGS="-n 0" runs it in one process.
PYTEST_ARGS ?= -n auto
test: install-dev translations browser-tools office-tools  ## run the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# axe-core, for the accessibility checks of the browser tests (skipped without npm).
browser-tools: node_modules/.installed
	@tools/install-browser.sh
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund && touch $@; \
	else echo "npm not found: the accessibility checks will be skipped"; fi

# LibreOffice and poppler, for the document rendering tests (skipped without them).
office-tools:
	@tools/install-office.sh

documents: install-dev office-tools  ## redraw the gallery of documents (docs/documents/)
	$(BIN)/python docs/documents.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(MO_FILES)

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ --statistics

# A local secret key, made once; production sets CASEWORK_SECRET_KEY instead.
instance/config.py:
	@mkdir -p instance
	@$(PYTHON) -c "import secrets; print('# Local settings (git-ignored). Made by make run.'); print('SECRET_KEY = %r' % secrets.token_hex(32))" > $@
	@echo "Made $@ with a new secret key."

db: install instance/config.py
	$(FLASK) db upgrade

demo: db
	$(FLASK) demo-data --if-empty

extract-messages: install  ## refresh the catalogues after changing user-visible text
	$(BIN)/pybabel extract -F babel.cfg -k _l -k _lp:1c,2 -o casework/translations/messages.pot .
	$(BIN)/pybabel update -i casework/translations/messages.pot -d casework/translations

clean:
	rm -rf $(VENV) .pytest_cache
