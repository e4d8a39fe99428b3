# Personas (the creator platform) — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON ?= python3.11
UV ?= uv
PY_SRC := shared/src gateway/src $(wildcard services/*/src) $(wildcard tools/*/src)

.PHONY: setup run test test-faults test-py test-web lint fmt openapi bench capacity migrate admin rebuild-projections analytics-rebuild dlq-list dlq-replay clean

setup: ## install everything the project needs (skipped when already done)
	@bash scripts/setup.sh

run: setup ## start PostgreSQL/RabbitMQ if needed, every service, the gateway, web UI and Stripe emulator
	@bash scripts/services.sh
	@$(UV) run --frozen python scripts/run.py

test: setup ## lint, then the whole suite (Python on real PostgreSQL/RabbitMQ/SMTP, web unit tests, browser tests)
	@bash scripts/services.sh
	@$(MAKE) --no-print-directory lint
	@$(MAKE) --no-print-directory test-web
	@$(MAKE) --no-print-directory test-py

# Tests wait on servers far more than they compute: two workers (pytest-xdist) halve the wall
# time on two cores. Each test has its own database, bus namespace and port slice.
PYTEST_WORKERS ?= 2
test-py:
	$(UV) run --frozen pytest -q --durations=15 -m "not faults" -n $(PYTEST_WORKERS) --dist worksteal

test-faults: setup ## fault injection on the real servers (kills processes, stops the broker app); CI runs it after `make test`
	@bash scripts/services.sh
	$(UV) run --frozen pytest -q --durations=10 -m faults tests/hardening

test-web:
	@if [ -f web/package.json ]; then cd web && npm test --silent; fi

lint: ## ruff (lint + format check) and mypy
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy $(PY_SRC)
	@if [ -f web/package.json ]; then cd web && npm run lint --silent; fi

fmt:
	$(UV) run --frozen ruff check --fix .
	$(UV) run --frozen ruff format .

openapi: ## write web/openapi.json (the gateway's merged schema) and regenerate web/src/api/schema.d.ts from it
	$(UV) run --frozen python scripts/openapi_dump.py web/openapi.json
	cd web && npm run --silent openapi

bench: setup ## benchmarks; figures go to bench/results/
	@bash scripts/services.sh
	$(UV) run --frozen python bench/catalog_search.py $(if $(filter 1m,$(SIZE)),--count 1000000)
	$(UV) run --frozen python bench/gateway_overhead.py --profile
	$(UV) run --frozen python bench/login.py
	$(UV) run --frozen python bench/bus_paths.py
	$(UV) run --frozen python bench/generation_stream.py --runs 7 --tokens 16
	$(UV) run --frozen python bench/analytics_stream.py
	$(UV) run --frozen python bench/notifications_fanout.py $(if $(FANOUT_USERS),--users $(FANOUT_USERS))
	$(UV) run --frozen python bench/webhook_purchases.py
	$(UV) run --frozen python bench/report.py

capacity: ## docs/capacity.md from bench/results (run `make bench` first)
	$(UV) run --frozen python bench/capacity.py

migrate: setup ## apply every service's migrations
	@for s in $(notdir $(wildcard services/*)); do $(UV) run --frozen python -m $$s migrate || exit 1; done

admin: setup ## promote a registered user to admin: make admin EMAIL=someone@example.com
	@test -n "$(EMAIL)" || { echo "usage: make admin EMAIL=someone@example.com"; exit 2; }
	$(UV) run --frozen python -m identity make-admin "$(EMAIL)"

rebuild-projections: setup ## rebuild a service's read models: make rebuild-projections SERVICE=catalog
	$(UV) run --frozen python -m $(SERVICE) rebuild-projections

analytics-rebuild: setup ## rebuild analytics from the first event and swap it in live: make analytics-rebuild [EXPORTS="billing.jsonl catalog.jsonl"]
	$(UV) run --frozen python -m analytics rebuild $(if $(EXPORTS),--from-export $(EXPORTS))

dlq-list: ## make dlq-list QUEUE=catalog.entitlements
	$(UV) run --frozen python -m shared.dlq list $(QUEUE)

dlq-replay: ## make dlq-replay QUEUE=catalog.entitlements
	$(UV) run --frozen python -m shared.dlq replay $(QUEUE)

clean:
	rm -rf .run web/dist web/test-results
