# xuncha — two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_PERSONS ?= 50000
DEMO_SEED ?= 2026
DEMO_DIR ?= demo-output
DEMO_HOST ?= 127.0.0.1
DEMO_PORT ?= 8000

.PHONY: demo test lint typecheck unit install clean bench

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck unit

demo: $(STAMP)
	$(BIN)/xuncha synth --persons $(DEMO_PERSONS) --seed $(DEMO_SEED) --out $(DEMO_DIR)/bundle
	$(BIN)/xuncha validate $(DEMO_DIR)/bundle --format text --out $(DEMO_DIR)/validation.json
	$(BIN)/xuncha screen $(DEMO_DIR)/bundle --round $$(cat $(DEMO_DIR)/bundle/ROUND) --stage all --out $(DEMO_DIR)/screen
	$(BIN)/xuncha assign $(DEMO_DIR)/bundle --round $$(cat $(DEMO_DIR)/bundle/ROUND) --targets-per-team 3 --seed demo --out $(DEMO_DIR)/teams
	$(BIN)/xuncha plan $(DEMO_DIR)/bundle --term-start 2026-01 --term-end 2030-12 --rounds-per-year 3 --teams-per-round 40 --as-of 2026-08 --out $(DEMO_DIR)/plan
	$(BIN)/xuncha ingest $(DEMO_DIR)/bundle --store $(DEMO_DIR)/store
	$(BIN)/xuncha link --store $(DEMO_DIR)/store --out $(DEMO_DIR)/links
	$(BIN)/xuncha compare --store $(DEMO_DIR)/store --out $(DEMO_DIR)/findings
	@echo "报告已写入 / reports written to $(DEMO_DIR)/"
	$(BIN)/xuncha web-demo $(DEMO_DIR)/bundle --data $(DEMO_DIR)/web --host $(DEMO_HOST) --port $(DEMO_PORT)

bench: $(STAMP)
	$(BIN)/python bench/screen.py
	$(BIN)/python -u bench/assign.py
	$(BIN)/python bench/link.py
	$(BIN)/python bench/compare.py
	$(BIN)/python bench/web.py
	$(BIN)/python bench/scale.py --sizes 1000000 2000000

clean:
	rm -rf $(VENV) $(DEMO_DIR) .mypy_cache .ruff_cache .pytest_cache bench/out
