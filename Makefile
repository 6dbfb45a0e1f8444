# duizhao — two commands: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
STAMP  := $(VENV)/.installed-dev

.PHONY: run test lint bench bench-align bench-check bench-consistency bench-review bench-load clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## run: install, migrate the database under instance/, load the demo once, serve on 127.0.0.1:$PORT
run: $(STAMP)
	@$(BIN)/duizhao demo
	@echo "Open http://127.0.0.1:$(PORT)/ and log in with the login above."
	@$(BIN)/python -m app.serve --host 127.0.0.1 --port $(PORT)

## test: lint, import contracts, the whole suite on SQLite, then the database tests (marker pg) again on PostgreSQL
test: $(STAMP) lint
	env -u DATABASE_URL -u DUIZHAO_TEST_DATABASE_URL $(BIN)/python -m pytest -q
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== the database tests (marker pg) again on PostgreSQL ($${DATABASE_URL%%@*}@...)"; \
		DUIZHAO_TEST_DATABASE_URL="$$DATABASE_URL" $(BIN)/python -m pytest -q -m pg; \
	else echo "(DATABASE_URL is not set: the PostgreSQL pass is skipped)"; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

## bench: every benchmark, printed as tables
bench: bench-align bench-check bench-consistency bench-review bench-load

bench-align: $(STAMP)
	$(BIN)/python bench/bench_align.py

bench-check: $(STAMP)
	$(BIN)/python bench/bench_check.py

## bench-consistency: names and terms rendered several ways, no glossary, on MAC-Dev with injected variants
bench-consistency: $(STAMP)
	$(BIN)/python bench/bench_consistency.py --tune

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

bench-review: $(STAMP)
	$(BIN)/python bench/bench_review.py

## bench-load: 20 reviewers x 50 saves of their own paragraphs through waitress on 127.0.0.1; SQLite, and
## PostgreSQL too when DATABASE_URL names a server (the test makes and drops its own database there)
bench-load: $(STAMP)
	$(BIN)/python bench/bench_load.py
