# Two commands for humans (`make run`, `make test`); everything else bootstraps itself.
# `make test` = ruff, mypy (bot/ dialogs/ knowledge/, settings in pyproject.toml), pytest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint chat clean

run: $(STAMP)
	@$(BIN)/clientwise $(ARGS)

test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

# Set-up is quiet: pip's output goes to a log, shown only when something fails.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Setting up $(VENV) (first run only, about a minute)..."
	@( $(BIN)/python -m pip install --upgrade pip \
	  && $(BIN)/python -m pip install -e ".[dev]" ) > $(VENV)/install.log 2>&1 \
	  || (cat $(VENV)/install.log; echo "make: set-up failed (log: $(VENV)/install.log)"; exit 1)
	@touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
