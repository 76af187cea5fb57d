# Two commands set everything up on a fresh Debian machine: `make demo` and `make test`.
# Both start with `make setup`, which is idempotent and quick once done.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := resources/demo
CORES  ?= all

.PHONY: setup tools demo test test-slurm lint format bench bench-workflow clean help

help:
	@echo "make demo   set up, then run the main job on the bundled demo data"
	@echo "make test   set up, then run the whole test suite"
	@echo "make test-slurm  the workflow through a one-node SLURM test cluster (root)"
	@echo "make bench  set up, then run the benchmarks against peer tools (filter, annotate, research mode)"
	@echo "make bench-workflow  time the demo workflow (wall time, per rule, Snakemake overhead) and an exome-sized run against the tools alone, for both aligners"

# igv.js (the npm package igv, pinned and checked) for the reads pages: fetched once into the
# environment, a no-op after that.
setup: $(STAMP) tools
	@$(BIN)/python -m mmpsi_variants.report.igvjs >/dev/null

# Re-install only when the package metadata changes; the install is editable, so code edits
# need no re-install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,workflow,cnv]'
	touch $@

tools:
	@sh scripts/ensure-tools.sh

# The demo reads are simulated on demand (about 5 s; the simulator skips work already done),
# then the whole workflow runs on them with the defaults in config/.
demo: setup
	$(BIN)/python $(DEMO)/simulate_reads.py
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/snakemake --cores $(CORES) \
		--workflow-profile workflow/profiles/default
	@cut -f1,4,10,11,14 results/cohort/cohort.tsv
	@echo "Demo reports: results/reports/<sample>/ (report.html, reads.html, vcf.gz, variants JSON/TSV);"
	@echo "cohort summary: results/cohort/cohort.tsv; run QC: results/qc/multiqc.html; calls: results/calls/"

lint: setup
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_layers.py
	$(BIN)/ruff check src tests bench resources
	$(BIN)/ruff format --check src tests bench resources
	$(BIN)/snakefmt --check Snakefile workflow/
	$(BIN)/snakemake --lint --quiet all
	$(BIN)/mypy
	$(BIN)/deptry src

format: setup
	$(BIN)/ruff format src tests bench resources
	$(BIN)/ruff check --fix src tests bench resources

# pytest exits 5 when it collects no tests; that is not a failure of the code under test.
test: setup lint
	$(BIN)/python -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then rc=0; fi; exit $$rc

# The workflow through a one-node SLURM cluster on 127.0.0.1 (as root; installs slurm-wlm and
# munge when missing, stops the daemons afterwards). `make test` runs these too.
test-slurm: setup
	$(BIN)/python -m pytest -q -rs -m slurm tests/test_slurm.py

bench: setup
	$(BIN)/python bench/run_bench.py
	$(BIN)/python bench/research_bench.py
	$(BIN)/python bench/phenotype_bench.py

bench-workflow: setup
	$(BIN)/python bench/workflow_bench.py --cores 2 --cores 1
	$(BIN)/python bench/exome_bench.py --cores 2

clean:
	rm -rf $(VENV) results logs benchmarks .snakemake .pytest_cache bench/work $(DEMO)/reads
