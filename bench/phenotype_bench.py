#!/usr/bin/env python3
"""Time `mmpsi-variants phenotype` ranking every gene for 10 HPO terms (target: under 2 s).

Runs the command as a user would (a fresh process: Python start-up, loading the ontology and
annotations that ship with hpo3, the ranking, the TSV), three times, and prints each wall time
beside the time of `mmpsi-variants --version` (the process start-up alone) in the same run.
The 10 terms are the first 10 of developmental and epileptic encephalopathy 14 (KCNT1) in the
shipped annotations.

    python bench/phenotype_bench.py
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _terms() -> list[str]:
    from mmpsi_variants.phenotype.ontology import ontology

    (disease,) = [d for d in ontology().omim_diseases if d.id == 614959]
    return [f"HP:{t:07d}" for t in sorted(disease.hpo)[:10]]


def _time(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([str(BIN / "mmpsi-variants"), *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    args = ["phenotype", *(a for t in _terms() for a in ("--hpo", t))]
    for _ in range(3):
        rank, bare = _time(args), _time(["--version"])
        print(f"phenotype, every gene for 10 terms: {rank:.2f} s (target < 2 s); "
              f"the command's start-up alone: {bare:.2f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
