"""Issue 15: the workflow through a real SLURM cluster: one node on 127.0.0.1 (Debian's
slurm-wlm and munge, started by tests/cluster/slurm-up.sh), Snakemake's SLURM executor plugin
and the repository's profile (workflow/profiles/slurm).

- the demo from FASTQ: every job that is not local goes through sbatch, and the reports equal
  a local run's;
- a job that fails once (a failure injected through a flag file the test controls) is
  retried and the run succeeds;
- a run stopped half-way resumes with --rerun-incomplete without redoing the finished jobs.

Needs root (slurmd and munged run as root); skipped with the reason otherwise. ``make
test-slurm`` runs these alone.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import DEMO, ROOT
from .workflow_runner import (
    BIN,
    UNITS_HEADER,
    _environment,
    demo_reads,
    fastq_units,
    job_counts,
    setup_workdir,
    snakemake,
    snakemake_command,
)

pytestmark = [pytest.mark.slurm, pytest.mark.e2e]
CLUSTER = ROOT / "tests" / "cluster"
PROFILE = ROOT / "workflow" / "profiles" / "slurm"
# A cluster without an accounting database: squeue reports the jobs (MinJobAge keeps finished
# ones listed); no account to charge.
SLURM_ARGS = (
    "--workflow-profile", str(PROFILE), "--slurm-status-command", "squeue",
    "--slurm-no-account", "--slurm-keep-successful-logs",
    "--slurm-init-seconds-before-status-checks", "1", "--jobs", "4",
)  # fmt: skip
LOCAL_RULES = {"link_reference", "tabulate_panel_coverage", "derive_pedigree", "all"}
SAMPLES = ["EIMFS01", "EIMFS01_FA", "EIMFS01_MO", *[f"EIMFS0{i}" for i in range(2, 8)]]


def _why_not() -> str | None:
    if os.geteuid() != 0:
        return "the SLURM test cluster needs root (slurmd and munged run as root)"
    if not (shutil.which("slurmctld") and shutil.which("munged")) and not shutil.which("apt-get"):
        return "slurm-wlm and munge are not installed and there is no apt-get to install them"
    try:
        import snakemake_executor_plugin_slurm  # noqa: F401
    except ImportError:
        return "snakemake-executor-plugin-slurm is not installed (make setup installs it)"
    return None


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    reason = _why_not()
    if reason:
        print(f"\nskipping the SLURM cluster tests: {reason}")
        pytest.skip(reason)
    state = tmp_path_factory.mktemp("slurm")
    up = subprocess.run(["sh", str(CLUSTER / "slurm-up.sh"), str(state)], capture_output=True,
                        text=True)  # fmt: skip
    if up.returncode != 0:
        subprocess.run(["sh", str(CLUSTER / "slurm-down.sh"), str(state)])
        pytest.fail(f"the test cluster did not start:\n{up.stderr[-3000:]}")
    said = dict(line.split("=", 1) for line in up.stdout.splitlines() if "=" in line)
    pids = [int(p.read_text()) for p in state.rglob("*.pid")]
    assert len(pids) == 3  # munged, slurmctld, slurmd
    try:
        yield {"SLURM_CONF": said["SLURM_CONF"], "PATH": said["PATH"]}
    finally:
        subprocess.run(["sh", str(CLUSTER / "slurm-down.sh"), str(state)], check=False)
        alive = [p for p in pids if _alive(p)]
        assert not alive, f"daemons still running after slurm-down.sh: {alive}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _slurm_logs(workdir: Path) -> dict[str, list[Path]]:
    """The plugin's logs, by the folder it writes them to (rule_<name> or group_<...>)."""
    root = workdir / ".snakemake" / "slurm_logs"
    # A rule with wildcards outside a group logs one folder deeper, per wildcard value.
    return {d.name: sorted(d.rglob("*.log")) for d in root.iterdir()} if root.exists() else {}


def _fail_with_logs(result, workdir: Path) -> None:
    logs = "\n".join(
        f"== {log}\n{log.read_text()[-1500:]}" for logs in _slurm_logs(workdir).values()
        for log in logs if "Error" in log.read_text()
    )  # fmt: skip
    pytest.fail(f"the run on the cluster failed:\n{result.stderr[-3000:]}\n{logs}")


def _ran_through_sbatch(rule: str, folders: list[str]) -> bool:
    return any(f == f"rule_{rule}" or (f.startswith("group_") and f"_{rule}" in f) for f in folders)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?( ?UTC|Z|[+-]\d{4})?")


def _masked(path: Path, workdir: Path) -> str:
    text = path.read_text(errors="replace")
    if path.suffix == ".json":
        # The calls' header names the commands and dates that made them, so the digest of the
        # VCF differs between any two runs; its records are compared on their own below.
        doc = json.loads(text)
        for item in doc.get("inputs", []):
            if item.get("role") == "vcf":
                item.pop("sha256", None)
                item.pop("size", None)
        text = json.dumps(doc, indent=1, sort_keys=True)
    return _DATE.sub("<date>", text.replace(str(workdir), "<workdir>"))


def _records(vcf: Path) -> list[str]:
    with gzip.open(vcf, "rt") as fh:
        return [line for line in fh if not line.startswith("#")]


def test_the_demo_on_the_cluster_equals_a_local_run(cluster, demo_fastq_run, tmp_path):
    local, _ = demo_fastq_run
    workdir = setup_workdir(tmp_path, fastq_units(demo_reads()))
    started = time.monotonic()
    result = snakemake(workdir, *SLURM_ARGS, env=cluster)
    print(f"\ndemo workflow on the SLURM test cluster: {time.monotonic() - started:.0f} s")
    if result.returncode != 0:
        _fail_with_logs(result, workdir)
    ran = job_counts(result.stdout + result.stderr)
    folders = list(_slurm_logs(workdir))
    through = {r for r in ran if r not in LOCAL_RULES}
    assert through and all(_ran_through_sbatch(r, folders) for r in through), (through, folders)
    assert all(logs and all(log.stat().st_size for log in logs)
               for logs in _slurm_logs(workdir).values())  # fmt: skip
    outputs = [
        *(f"results/reports/{s}/{s}.variants.{k}" for s in SAMPLES for k in ("json", "tsv")),
        "results/cohort/cohort.tsv", "results/cohort/candidates.tsv",
        "results/cohort/summary.tsv",
    ]  # fmt: skip
    for name in outputs:
        assert _masked(workdir / name, workdir) == _masked(local / name, local), name
    for family in ("EIMFS01", "EIMFS02", "EIMFS07"):
        calls = f"results/calls/{family}.vcf.gz"
        assert _records(workdir / calls) == _records(local / calls), calls


def _vcf_workdir(tmp_path: Path) -> Path:
    units = UNITS_HEADER + "".join(f"{s}\tvcf\t\t\t\t{DEMO / 'demo.vcf.gz'}\n" for s in SAMPLES)
    return setup_workdir(tmp_path / "run", units)


def _shim(folder: Path, tool: str, script: str) -> Path:
    """A wrapper first on PATH for the cluster's jobs (sbatch passes PATH through)."""
    folder.mkdir(parents=True, exist_ok=True)
    real = shutil.which(tool, path=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    (folder / tool).write_text(f'#!/bin/sh\n{script}\nexec {real} "$@"\n')
    (folder / tool).chmod(0o755)
    return folder


def test_a_job_that_fails_once_on_the_cluster_is_retried(cluster, tmp_path):
    flag, record = tmp_path / "fail-once", tmp_path / "injected.txt"
    flag.touch()
    shims = _shim(tmp_path / "shims", "mmpsi-variants", (
        f'if [ "$1" = filter ] && [ -e {flag} ]; then rm -f {flag}; '
        f'echo "injected failure" >> {record}; exit 1; fi'
    ))  # fmt: skip
    env = {**cluster, "PATH": f"{shims}{os.pathsep}{cluster['PATH']}"}
    workdir = _vcf_workdir(tmp_path)
    result = snakemake(workdir, *SLURM_ARGS, env=env)
    if result.returncode != 0:
        _fail_with_logs(result, workdir)
    assert record.read_text() == "injected failure\n" and not flag.exists()
    text = result.stdout + result.stderr
    assert "Error in rule filter_variants" in text or "Error in group report" in text
    assert all((workdir / f"results/reports/{s}/{s}.variants.json").exists() for s in SAMPLES)
    report_logs = [log for f, logs in _slurm_logs(workdir).items() if "filter_variants" in f
                   for log in logs]  # fmt: skip
    assert len(report_logs) >= 4  # three report jobs and the failed one's retry


def test_a_run_stopped_half_way_resumes_without_redoing_finished_jobs(cluster, tmp_path):
    slow, held = tmp_path / "slow", tmp_path / "held"
    slow.touch()
    # The last family's normalisation waits while the flag stands: the run is stopped then.
    shims = _shim(tmp_path / "shims", "bcftools", (
        f'case "$*" in *EIMFS07*) while [ -e {slow} ]; do touch {held}; sleep 1; done ;; esac'
    ))  # fmt: skip
    # Snakemake's own temporary files of the jobs it cancels are not ours to police here.
    (tmp_path / "tmp").mkdir()
    env = {
        **cluster,
        "PATH": f"{shims}{os.pathsep}{cluster['PATH']}",
        "TMPDIR": str(tmp_path / "tmp"),
    }
    workdir = _vcf_workdir(tmp_path)
    done = [workdir / f"results/calls/EIMFS0{i}.vcf.gz" for i in range(1, 7)]
    proc = subprocess.Popen(snakemake_command(workdir, *SLURM_ARGS), cwd=workdir,
                            env=_environment(env), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        # Stopped once the held job runs and another family has finished (the order in which
        # the scheduler starts them is its own).
        deadline = time.monotonic() + 300
        while not (held.exists() and any(p.exists() for p in done)):
            assert proc.poll() is None, proc.stderr.read()[-3000:] if proc.stderr else ""
            assert time.monotonic() < deadline, "no family finished beside the held one in 5 min"
            time.sleep(1)
        time.sleep(2)
        proc.send_signal(signal.SIGINT)  # Ctrl-C, as a user stopping the run: it scancels
        proc.wait(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    squeue = shutil.which("squeue", path=cluster["PATH"]) or "squeue"
    deadline = time.monotonic() + 60
    while subprocess.run([squeue, "-h", "-t", "PD,R,CG"], capture_output=True, text=True,
                         env=_environment(cluster)).stdout.strip():  # fmt: skip
        assert time.monotonic() < deadline, "jobs still queued after Snakemake stopped"
        time.sleep(1)
    assert not (workdir / "results/calls/EIMFS07.vcf.gz").exists()
    finished = {p: p.stat().st_mtime_ns for p in done if p.exists()}
    slow.unlink()
    again = snakemake(workdir, *SLURM_ARGS, "--rerun-incomplete", env=env)
    if again.returncode != 0:
        _fail_with_logs(again, workdir)
    ran = job_counts(again.stdout + again.stderr)
    # Only the families not finished when the run stopped, the held one among them.
    assert ran.get("normalize_calls") == 7 - len(finished), (ran, finished)
    assert {p: p.stat().st_mtime_ns for p in finished} == finished
    assert (workdir / "results/calls/EIMFS07.vcf.gz").exists()
