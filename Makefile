# secassist — the two commands: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ASSETS := static/vendor/.installed

.PHONY: run test install assets lint typecheck migrations-check ci-checks bench bench-scale bench-production serve-production clean mutation

run: install  ## install everything, set up the demo database, print logins, serve on 127.0.0.1:8000
	$(BIN)/secassist setup --demo
	$(BIN)/secassist serve

test: install  ## install everything and run the whole test suite
	$(BIN)/pytest -n 2

install: $(STAMP) $(ASSETS)

$(STAMP): requirements.lock pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

$(ASSETS): package.json package-lock.json scripts/vendor_assets.py
	npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	$(BIN)/python scripts/vendor_assets.py
	touch $(ASSETS)

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: install
	$(BIN)/mypy src

migrations-check: install
	$(BIN)/secassist manage makemigrations --check --dry-run

ci-checks: lint typecheck migrations-check
	$(BIN)/lint-imports

SCALE ?= 1
bench: install  ## every benchmark in bench/, the scale one at SCALE (1 = the issue's 2 M ledger entries; DATABASE_URL=postgres://… for PostgreSQL)
	BENCH_SCALE=$(SCALE) $(BIN)/python -m bench

bench-scale: install  ## issue #14 figures only -> bench/results/<engine>.json (DATABASE_URL=postgres://… [REDIS_URL=redis://…] for PostgreSQL)
	$(BIN)/python bench/scale.py --scale $(SCALE)

# The production-shaped run (issue #14 item 4, ADR 1004): two gunicorn workers on PostgreSQL with the
# shared Redis cache and job queue. Set SECRET_KEY (and SECASSIST_ENV=production behind TLS) for a real deployment.
PROD_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/secassist
PROD_REDIS_URL ?= redis://127.0.0.1:6379/0
serve-production: install  ## PostgreSQL + Redis, 2 workers, on 127.0.0.1:8000 (DATABASE_URL / REDIS_URL override the defaults)
	DATABASE_URL=$${DATABASE_URL:-$(PROD_DATABASE_URL)} $(BIN)/python scripts/ensure_database.py
	DATABASE_URL=$${DATABASE_URL:-$(PROD_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(PROD_REDIS_URL)} $(BIN)/secassist migrate
	DATABASE_URL=$${DATABASE_URL:-$(PROD_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(PROD_REDIS_URL)} $(BIN)/secassist serve --production --workers 2

# The page and HTTP figures on the production-shaped server -> bench/results/production.json
# (a throw-away database: never point it at one you care about).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/secassist_bench_production
bench-production: install
	DATABASE_URL=$${DATABASE_URL:-$(BENCH_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-$(PROD_REDIS_URL)} $(BIN)/python bench/scale.py --scale $(SCALE) --only pages

clean:
	rm -rf $(VENV) node_modules static/vendor var

DATA_DIR ?= $(abspath ..)/shared/data
MUTATION_MODULES ?= secassist.congress.clocks secassist.congress.rules secassist.title10.rules secassist.budget.rules secassist.restrictions.engine

mutation: install  ## issue #12: mutation testing of the rule modules, one module at a time, niced, one child (ADR 0852); long, not in CI
	$(BIN)/pip install --quiet --disable-pip-version-check "mutmut==3.8.1"
	rm -rf mutants
	for module in $(MUTATION_MODULES); do \
	  SECASSIST_DATA_DIR=$${SECASSIST_DATA_DIR:-$(DATA_DIR)} nice -n 15 $(BIN)/mutmut run --max-children 1 "$$module.*" || exit 1; \
	done
	$(BIN)/mutmut results --all true > var/mutation-results.txt || true
	$(BIN)/python scripts/mutation_score.py var/mutation-results.txt
