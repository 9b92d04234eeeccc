# The two commands a new user needs: `make run` (the main job) and `make test` (the test suite).
# Both create .venv and install the project when it is missing or pyproject.toml changed; otherwise they start at once.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
export OMP_NUM_THREADS ?= 1

.PHONY: install run test test-all lint bench clean-outputs

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check torch==2.13.0
	$(PY) -m pip install -q --disable-pip-version-check -e '.[dev,sweeps]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

run: $(STAMP)
	$(PY) -m pipeline $(ARGS)

lint: $(STAMP)
	$(PY) -m ruff check sim pipeline tests bench
	$(PY) -m mypy

test: lint
	$(PY) -m pytest -q -m "not slow and not gpu" $(ARGS)

test-all: lint
	$(PY) -m pytest -q $(ARGS)

bench: $(STAMP)
	$(PY) -m bench $(ARGS)
