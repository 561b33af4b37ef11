# BVTE: two commands do all set-up on a fresh machine.
#   make run   venv, install, migrate, seed the demo commune, serve on http://127.0.0.1:5000
#   make test  the same set-up, then every test (SQLite and PostgreSQL)

PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements-test.txt 2>/dev/null | sha1sum | cut -c1-10)

.PHONY: run test test-dates faketime install db seed lint bench bench-quick bench-throughput bench-register clean browser fonts soak

$(STAMP): pyproject.toml requirements-test.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e . -r requirements-test.txt
	rm -f $(VENV)/.installed-*; touch $@

ASSETS := webui/static/vendor/bpmn-js/.stamp

$(ASSETS): package.json package-lock.json
	@command -v npm >/dev/null || { echo "npm is needed for the bpmn-js assets: apt-get install -y nodejs npm"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p webui/static/vendor/bpmn-js
	cp node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js node_modules/bpmn-js/dist/bpmn-modeler.production.min.js webui/static/vendor/bpmn-js/
	cp node_modules/bpmn-js/dist/assets/diagram-js.css node_modules/bpmn-js/dist/assets/bpmn-js.css webui/static/vendor/bpmn-js/
	cp -r node_modules/bpmn-js/dist/assets/bpmn-font webui/static/vendor/bpmn-js/
	mkdir -p webui/static/vendor/dmn-js   # dmn-js: DMN decision tables shown read-only (#19 item 3)
	cp node_modules/dmn-js/dist/dmn-viewer.production.min.js node_modules/dmn-js/LICENSE webui/static/vendor/dmn-js/
	cp node_modules/dmn-js/dist/assets/dmn-js-shared.css node_modules/dmn-js/dist/assets/dmn-js-decision-table.css \
	  node_modules/dmn-js/dist/assets/dmn-js-drd.css webui/static/vendor/dmn-js/
	cp -r node_modules/dmn-js/dist/assets/dmn-font webui/static/vendor/dmn-js/
	mkdir -p webui/static/vendor/axe-core   # axe-core: the accessibility check of the browser tests
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE webui/static/vendor/axe-core/
	touch $@

SWAGGER := webui/static/vendor/swagger-ui/.stamp

$(SWAGGER): $(ASSETS)
	mkdir -p webui/static/vendor/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
	  node_modules/swagger-ui-dist/LICENSE webui/static/vendor/swagger-ui/
	touch $@

MO := webui/translations/en/LC_MESSAGES/messages.mo

$(MO): webui/translations/en/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d webui/translations

install: $(STAMP) $(ASSETS) $(SWAGGER) $(MO)

db: install
	$(BIN)/bvte db upgrade

seed: db
	$(BIN)/bvte seed-demo

run: seed fonts
	$(BIN)/bvte serve --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check engine workflows webui tests features tools bench conftest.py
	$(BIN)/mypy engine workflows webui

# the printouts' PDF (WeasyPrint) needs Pango and serif fonts with every Vietnamese letter
fonts:
	@test -d /usr/share/fonts/truetype/liberation2 -a -e /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf || { \
	  echo "installing Debian's fonts for the PDF printouts"; apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-liberation2 fonts-dejavu-core libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }

browser:
	@test -x /usr/bin/chromium || { echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

test: install browser fonts
	$(BIN)/bvte db upgrade
	$(BIN)/ruff check engine workflows webui tests features tools bench conftest.py
	$(BIN)/mypy engine workflows webui
	$(BIN)/python -m pytest -q

# The suite under Debian's faketime at dates that have broken date-dependent code before: inside each
# statutory-report reminder window, 31/12, 29/02/2028, Tet 2027, and 23:30 +07:00 on a Friday.
# The fake clock runs on from each date (monotonic time is shifted with it, so sleeps and timeouts hold). By default the tests
# that start the timer worker, the seed, the CLI, the reports and the features (~1 min a date);
# DATES_PYTEST="tests features" runs the whole suite at each date (~3 min a date).
TEST_DATES ?= 2027-05-05T03:00:00 2027-08-06T03:00:00 2027-11-02T03:00:00 2026-12-10T03:00:00 \
              2026-12-31T12:00:00 2028-02-29T05:00:00 2027-02-06T02:00:00 2026-12-04T16:30:00
DATES_PYTEST ?= tests/e2e/test_reliability.py tests/webui/test_cli.py tests/webui/test_cli_process.py \
                tests/workflows/test_reports.py tests/workflows/test_reporting_schedule.py \
                tests/engine/test_generic_process.py tests/engine/test_runtime.py tests/workflows/test_differential_bpmn.py \
                tests/webui/test_api.py tests/e2e/test_db_faults.py tests/webui/test_incidents.py tests/engine/test_guards.py \
                features

faketime:
	@command -v faketime >/dev/null || { echo "installing Debian's faketime for make test-dates"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null; }

test-dates: install browser faketime
	$(BIN)/bvte db upgrade
	@set -e; for d in $(TEST_DATES); do \
	  echo "== suite with the system date faked to $$d UTC"; \
	  TZ=UTC faketime "$$(echo $$d | tr T ' ')" \
	    $(BIN)/python -m pytest -q -p no:cacheprovider $(DATES_PYTEST); \
	done

soak: install browser
	BVTE_SOAK=1 $(BIN)/python -m pytest -q tests/webui/test_api_fuzz.py tests/e2e/test_reliability.py

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/scale.py

bench-quick: install
	$(BIN)/python bench/run.py --quick
	$(BIN)/python bench/scale.py --quick

bench-throughput: install
	$(BIN)/python bench/scale.py --throughput-only

# the register's search (#21.2): 200,000 children on SQLite, 2,000,000 on PostgreSQL (about 15 minutes)
bench-register: install
	$(BIN)/python bench/register_search.py

clean:
	rm -rf $(VENV) instance .pytest_cache
