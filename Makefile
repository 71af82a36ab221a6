# The README's commands. Each target creates the virtualenv and installs the
# package first if needed, so `make run` / `make test` work on a fresh machine
# that has only Python 3.11+ and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
POLNEAR_DEV := ../shared/eval/polnear/dev

.PHONY: run test eval lint bench train

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/claims run corpus -o outputs/corpus

test: $(STAMP)
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests bench

eval: $(STAMP)
	$(BIN)/claims eval-suite --polnear $(POLNEAR_DEV)
	@echo "--- with the trained span tagger (claims run --tagger):"
	$(BIN)/claims eval-suite --polnear $(POLNEAR_DEV) --tagger -o outputs/eval-tagger
	@echo "--- PolNeAR's definition of a claim (claims run --definition polnear, with the tagger):"
	$(BIN)/claims eval-suite --polnear $(POLNEAR_DEV) --definition polnear -o outputs/eval-polnear
	$(BIN)/claims eval-clean --polnear $(POLNEAR_DEV)

bench: $(STAMP)
	$(BIN)/python bench/bench_pipeline.py
	$(BIN)/python bench/bench_dedup.py

# Retrains the span taggers shipped in pipeline/resources/attribution_model/ and
# attribution_model_2/ from PolNeAR train (needs ../shared/eval/polnear/train; the two
# trainings run side by side, one core each: about 36 minutes on a 2-core machine).
train: $(STAMP)
	$(BIN)/python -m pipeline.training convert
	$(BIN)/python -m pipeline.training train --member 1 & \
	$(BIN)/python -m pipeline.training train --member 2; status=$$?; wait $$! && exit $$status
	$(BIN)/python -m pipeline.training evaluate
	$(BIN)/python -m pipeline.training evaluate --model pipeline/resources/attribution_model_2
