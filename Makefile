# Two commands set everything up on a fresh Debian machine: `make demo` and `make test`.
# Both start with `make setup`, which is idempotent and quick once done.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := resources/demo
OUT    ?= results/demo

.PHONY: setup tools demo test lint format bench clean help

help:
	@echo "make demo   set up, then run the main job on the bundled demo data"
	@echo "make test   set up, then run the whole test suite"
	@echo "make bench  set up, then run the benchmarks against peer tools"

setup: $(STAMP) tools

# Re-install only when the package metadata changes; the install is editable, so code edits
# need no re-install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

tools:
	@sh scripts/ensure-tools.sh

demo: setup
	$(BIN)/mmpsi-variants filter $(DEMO)/demo.vcf.gz \
		--genes $(DEMO)/genes.gff3 --reference $(DEMO)/genome.fa \
		--ped $(DEMO)/demo.ped --build none --outdir $(OUT) \
		--gnomad $(DEMO)/gnomad.demo.vcf.gz --clinvar $(DEMO)/clinvar.demo.vcf.gz \
		--scores revel=$(DEMO)/revel.demo.tsv.gz --scores spliceai=$(DEMO)/spliceai.demo.vcf.gz
	@echo "Demo results are in $(OUT)/ (one <sample>.variants.json and .tsv per sample)"

lint: setup
	$(BIN)/ruff check src tests bench resources
	$(BIN)/ruff format --check src tests bench resources
	$(BIN)/snakefmt --check Snakefile workflow/
	$(BIN)/snakemake --lint --quiet all

format: setup
	$(BIN)/ruff format src tests bench resources
	$(BIN)/ruff check --fix src tests bench resources

# pytest exits 5 when it collects no tests; that is not a failure of the code under test.
test: setup lint
	$(BIN)/python -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then rc=0; fi; exit $$rc

bench: setup
	$(BIN)/python bench/run_bench.py

clean:
	rm -rf $(VENV) results .pytest_cache bench/work
