# TEP Follow-up. `make run` to try it, `make test` to test it. See README.md.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/tep_test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/0
PORT ?= 5000
MAIL_PORT ?= 1025
# Each step of `make run` says how long it took (scripts/step_time.py, standard library only).
STEP := $(PYTHON) scripts/step_time.py
# What the web app needs only once the demo county is in (the styles, the mail catcher's packages)
# installs at a lower priority, beside the steps the first page waits for.
LATER = nice -n 10

.PHONY: install lock lint migrate demo run ports test test-unit test-sqlite test-postgres test-e2e soak bench mutate clean

install: $(VENV)/.installed tep_app/static/build/app.css

# Both locks, every package pinned and checked against its hash. Edit requirements*.in, then `make lock`.
# The locks name every package, so pip resolves nothing (--no-deps); it takes built wheels only (no
# package is built on the way in) and leaves each module to be byte-compiled when it is first imported.
# The venv starts without a pip of its own: the tools' lock's pip goes in first, installed by this
# Python's pip (pip 22.3 and later install into another environment: --python) or, where this
# Python's pip cannot, by the one the venv then gets; the locked pip, which installs a lock in half
# the time older ones take, installs the rest. The app's packages next (all that migrating and the
# demo need), then the tests' and tools'.
VENV_PIP = $$(test -x $(BIN)/pip && echo $(BIN)/pip || echo $(PYTHON) -m pip --python $(BIN)/python)
PIP_CHECKED = $(VENV_PIP) install --quiet --disable-pip-version-check --require-hashes --only-binary=:all: --no-compile
PIP_INSTALL = $(PIP_CHECKED) --no-deps
PIP_22_3 = $(PYTHON) -c \"import importlib.metadata as m, sys; sys.exit(tuple(map(int, m.version('pip').split('.')[:2])) < (22, 3))\"
NEW_VENV = $(PYTHON) -m venv --without-pip $(VENV) && { $(PIP_22_3) 2>/dev/null || $(BIN)/python -m ensurepip --default-pip >/dev/null; }
# The entries (pins and hashes) of the packages named in $(1) from the lock $(2).
from_lock = awk -v names="$(1)" 'BEGIN { split(names, list); for (i in list) wanted[list[i]] = 1 } \
	/^[a-z0-9]/ { split($$1, pin, "=="); keep = (pin[1] in wanted) } keep' $(2)

$(VENV)/.pip-installed: requirements-dev.txt
	@$(STEP) "python venv" "test -x $(BIN)/python || { $(NEW_VENV); }"
	@$(call from_lock,pip,requirements-dev.txt) > $(VENV)/pip.txt
	@$(STEP) "pip" "$(PIP_INSTALL) -r $(VENV)/pip.txt"
	touch $@

$(VENV)/.app-installed: $(VENV)/.pip-installed requirements.txt
	@$(STEP) "pip install (the app)" "$(PIP_INSTALL) -r requirements.txt"
	touch $@

$(VENV)/.installed: $(VENV)/.app-installed requirements-dev.txt
	@$(STEP) "pip install (tests and tools)" "$(PIP_INSTALL) -r requirements-dev.txt"
	touch $@

# What `make run` needs besides the app's packages, from the tools' lock with their hashes: the mail
# catcher's, aiosmtpd and the packages it needs (pip resolves them here, so it refuses to go on if
# this list misses one). The rest of the tests' and tools' wait for `make test`.
RUN_TOOLS := aiosmtpd atpublic attrs
$(VENV)/.run-installed: $(VENV)/.app-installed requirements-dev.txt
	@$(call from_lock,$(RUN_TOOLS),requirements-dev.txt) > $(VENV)/run-tools.txt
	@$(STEP) "pip install (the mail catcher)" "$(LATER) $(PIP_CHECKED) -r $(VENV)/run-tools.txt"
	touch $@

PIP_COMPILE = $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url
lock:
	$(PIP_COMPILE) -o requirements.txt requirements.in
	$(PIP_COMPILE) -o requirements-dev.txt requirements-dev.in
	$(PIP_COMPILE) -o requirements-bench.txt requirements-bench.in

node_modules/.installed: package.json package-lock.json
	@$(STEP) "npm ci" "$(LATER) npm ci --no-audit --no-fund --loglevel=error --prefer-offline"
	touch $@

# GOV.UK Frontend's Sass compiled with the service's own brand settings (system font, no GDS Transport).
tep_app/static/build/app.css: node_modules/.installed tep_app/static/scss/app.scss
	@$(STEP) "sass" "$(LATER) npm run --silent build:css"

migrate: $(VENV)/.app-installed
	@$(STEP) "migrations" "$(FLASK) db upgrade"

demo: migrate
	@$(STEP) "demo county" "TEP_BASE_URL=\"\$${TEP_BASE_URL:-http://127.0.0.1:$(PORT)}\" $(FLASK) tep demo"

# The ports are checked first, before anything is installed: `PORT=5001 MAIL_PORT=1026 make run`.
# Side by side: the app's packages, then the migrations and the demo county, and the mail catcher's
# packages; the styles (npm, then Sass). The web app starts once these are in (run_local.py), and
# lists each step's time once its first page answers (instance/run-steps.txt).
run: export TEP_STEP_TIMES := $(CURDIR)/instance/run-steps.txt
run: export TEP_RUN_STARTED := $(shell date +%s.%N)
run: ports
	@mkdir -p instance && rm -f instance/run-steps.txt
	$(MAKE) --no-print-directory -j3 demo $(VENV)/.run-installed tep_app/static/build/app.css
	$(BIN)/python scripts/run_local.py --port $(PORT) --mail-port $(MAIL_PORT)

ports:
	@$(PYTHON) scripts/run_local.py --port $(PORT) --mail-port $(MAIL_PORT) --check-ports

# The import contracts (.importlinter) and ruff (pyproject.toml).
lint: install
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff check .

# Every test but the browser ones on SQLite, then again on PostgreSQL, where tests/conftest.py keeps
# only those that reach the database. The PostgreSQL run also counts rate limits in the local Redis
# (TEP_TEST_REDIS_URL).
test: lint
	$(BIN)/pytest -p no:cacheprovider tests --ignore=tests/e2e
	TEP_TEST_DATABASE_URL=$(PG_TEST_URL) TEP_RATELIMIT_STORAGE_URL=$(REDIS_TEST_URL) TEP_TEST_REDIS_URL=$(REDIS_TEST_URL) \
		TEP_RATELIMIT_KEY_PREFIX=tep-test-$$$$ \
		$(BIN)/pytest -p no:cacheprovider tests --ignore=tests/e2e
	$(BIN)/pytest -p no:cacheprovider tests/e2e

# The tests that need no database (the ones the PostgreSQL run leaves out).
test-unit: install
	$(BIN)/pytest -m "not database" tests --ignore=tests/e2e

test-postgres: install
	TEP_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest tests --ignore=tests/e2e

test-e2e: install
	$(BIN)/pytest tests/e2e

# The whole service played at random for TEP_SOAK_MINUTES (new examples each run, on SQLite).
TEP_SOAK_MINUTES ?= 30
soak: install
	TEP_SOAK_MINUTES=$(TEP_SOAK_MINUTES) $(BIN)/pytest -p no:cacheprovider -q tests/whole_service/test_whole_service_state.py

bench: install $(VENV)/.bench-installed
	$(BIN)/python -m bench --postgres

mutate: install
	$(BIN)/python scripts/mutate.py

$(VENV)/.bench-installed: requirements-bench.txt requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements-bench.txt
	touch $@

clean:
	rm -rf $(VENV) node_modules instance/tep.sqlite
