"""The committed demo data are exactly what their generator writes."""

import os
import subprocess
import sys

from .conftest import DEMO


def test_generator_reproduces_the_committed_files_byte_for_byte(tmp_path):
    env = {**os.environ, "MMPSI_DEMO_OUT": str(tmp_path)}
    cmd = [sys.executable, DEMO / "make_demo.py"]
    subprocess.run(cmd, check=True, env=env, capture_output=True)
    made = sorted(p.name for p in tmp_path.iterdir())
    # Not the generator's output: the generators, and the reads simulated on demand.
    not_generated = {"make_demo.py", "simulate_reads.py", "reads", "__pycache__"}
    committed = sorted(p.name for p in DEMO.iterdir() if p.name not in not_generated)
    assert made == committed
    for name in made:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name
