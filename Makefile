# The two commands: `make run` and `make test`. The rest are shortcuts.
.DEFAULT_GOAL := help
.PHONY: help run test setup lint format css clean

ARGS ?=

help:
	@echo "make run     start the web server and Celery worker at http://127.0.0.1:8000"
	@echo "make test    checks, lint and the test suite (make test ARGS=\"-k deadlines\")"
	@echo "make setup   create .venv, install Python and Node packages, build static/dist"
	@echo "make lint    ruff check and ruff format --check"
	@echo "make format  ruff format and ruff check --fix"
	@echo "make css     rebuild static/dist (npm run build)"
	@echo "make clean   remove var/ (local database, broker, emails) and static/dist"

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(ARGS)

setup:
	bash scripts/setup.sh

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: setup
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

css:
	npm run build

clean:
	rm -rf var static/dist
