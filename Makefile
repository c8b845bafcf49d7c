# ucnb: two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SAMPLE ?= sample_outputs/ex1_cucm_amc/before

.PHONY: demo test lint bench notebooks app training clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[all,test,bench]'
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/ucnb analyze $(SAMPLE)
	@echo
	@echo "Next: the same walk step by step in a notebook:  $(VENV)/bin/jupyter lab notebooks/01_triage.ipynb"
	@echo "      or a report for the customer:               $(VENV)/bin/ucnb report $(SAMPLE) -o case.html"

test: $(VENV)/.installed
	$(VENV)/bin/ruff check ucnb tests bench tools
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache --no-logo
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check ucnb tests bench tools
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache --no-logo

bench: $(VENV)/.installed
	$(PY) bench/run.py

# Re-execute every notebook in place (outputs kept for nbval; widget state and timings stripped).
notebooks: $(VENV)/.installed
	$(PY) tools/run_notebooks.py

# The workbench on http://127.0.0.1:8866/ (ucnb/app/serve.py): CASES=dir is the cases folder (default in
# the user's data folder), BUNDLE=path a case under it to open, TAC=1 TAC mode.
app: $(VENV)/.installed
	$(PY) -m ucnb.app $(if $(CASES),--cases "$(CASES)") $(if $(BUNDLE),--bundle "$(BUNDLE)") $(if $(TAC),--tac)

# A training notebook as a trainee sees it, on http://127.0.0.1:8867/ (NB=ex1_amc ... ex5_imnp_sftp, or
# practice): the capture viewer, the quiz and its score, no code. Practice on an exercise of
# `ucnb practice -o DIR`: EXERCISE=DIR (KEY=FILE when its key is not DIR.answer.json).
NB ?= practice
training: $(VENV)/.installed
	UCNB_EXERCISE="$(if $(EXERCISE),$(abspath $(EXERCISE)))" UCNB_EXERCISE_KEY="$(if $(KEY),$(abspath $(KEY)))" \
		$(VENV)/bin/voila notebooks/training/$(NB).ipynb --no-browser --Voila.ip=127.0.0.1 --port=8867

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache
