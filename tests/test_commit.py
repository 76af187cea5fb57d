"""A run's outputs are put in place as one set (issue 11, item 6).

Before, files were renamed into place one at a time with nothing locking the folder: a failed
rename left old and new files mixed, and two runs into one folder at once mixed one run's JSON
with the other's TSV. Now they are staged in a private folder inside the output folder, moved
under an exclusive lock, put back if any move fails, and the manifest is written last.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from mmpsi_variants.core.errors import OutputError
from mmpsi_variants.io import commit
from mmpsi_variants.io.commit import LOCK_NAME, MANIFEST_NAME, STAGING_PREFIX, AtomicOutputs

from .conftest import DEMO

FILTER = [DEMO / "demo.vcf.gz", "--genes", DEMO / "genes.gff3", "--reference",
          DEMO / "genome.fa", "--ped", DEMO / "demo.ped"]  # fmt: skip


def _write_set(outdir: Path, tag: str, names=("a.json", "sub/b.tsv")) -> list[Path]:
    with AtomicOutputs(outdir, manifest={"run": tag}) as out:
        for name in names:
            out.add(name, f"{tag} {name}\n")
        return out.commit()


def _contents(outdir: Path) -> dict[str, bytes]:
    return {
        p.relative_to(outdir).as_posix(): p.read_bytes()  # the sample VCFs are bgzipped
        for p in sorted(outdir.rglob("*"))
        if p.is_file()
    }


def _check_manifest(outdir: Path) -> dict:
    """Every file the manifest names is there with its size and checksum."""
    doc = json.loads((outdir / MANIFEST_NAME).read_text())
    for f in doc["files"]:
        data = (outdir / f["name"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (f["bytes"], f["sha256"]), f
    return doc


def test_a_committed_set_leaves_only_its_files_and_the_manifest(tmp_path):
    _write_set(tmp_path, "one")
    assert _contents(tmp_path).keys() == {"a.json", "sub/b.tsv", MANIFEST_NAME}
    assert [f["name"] for f in _check_manifest(tmp_path)["files"]] == ["a.json", "sub/b.tsv"]


def test_a_failed_move_puts_the_previous_set_back(tmp_path, monkeypatch):
    """Regression: the second rename failing left the new a.json beside the old b.tsv."""
    _write_set(tmp_path, "old")
    before = _contents(tmp_path)
    real = os.replace
    moves = {"n": 0}

    def failing(src, dst):
        if Path(dst).name == "b.tsv" and Path(src).parent.name != "previous":
            moves["n"] += 1
            raise OSError(5, "Input/output error", str(dst))
        return real(src, dst)

    monkeypatch.setattr(commit.os, "replace", failing)
    with pytest.raises(OutputError) as caught:
        _write_set(tmp_path, "new")
    assert moves["n"] == 1
    assert "could not put b.tsv in place (Input/output error)" in str(caught.value)
    assert "previous outputs, unchanged" in str(caught.value)
    assert _contents(tmp_path) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(STAGING_PREFIX)]


def test_a_commit_waits_for_the_run_holding_the_folder(tmp_path, caplog):
    """A second run into a folder another run is committing to waits, and says so."""
    _write_set(tmp_path, "first")
    holder = os.open(tmp_path / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    fcntl.flock(holder, fcntl.LOCK_EX)
    os.write(holder, b"4242 on elsewhere\n")
    done = threading.Event()
    with caplog.at_level(logging.WARNING, logger="mmpsi_variants"):
        worker = threading.Thread(target=lambda: (_write_set(tmp_path, "second"), done.set()))
        worker.start()
        try:
            time.sleep(0.5)
            assert not done.is_set()
            assert _contents(tmp_path)["a.json"] == b"first a.json\n"
        finally:
            os.unlink(tmp_path / LOCK_NAME)  # as a finishing run does, before it lets go
            os.close(holder)
        worker.join(10)
    assert done.is_set()
    assert "waiting for another mmpsi-variants run (pid 4242 on elsewhere)" in caplog.text
    assert _contents(tmp_path)["a.json"] == b"second a.json\n"
    assert not (tmp_path / LOCK_NAME).exists()  # no lock file left behind
    _check_manifest(tmp_path)


def test_two_filter_runs_into_one_folder_leave_one_whole_set(tmp_path):
    """Two real runs at once, with outputs that differ (one is restricted to the core
    tier): the folder ends up with one run's files, all of them, as its manifest says."""
    exe = Path(sys.executable).with_name("mmpsi-variants")
    out = tmp_path / "out"
    runs = [
        subprocess.Popen(
            [exe, "-q", "filter", *FILTER, *extra, "-o", out],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "TMPDIR": str(tmp_path)},
        )
        for extra in ([], ["--tier", "core"])
    ]
    for proc in runs:
        assert proc.wait(120) == 0, proc.stderr.read() if proc.stderr else ""
    doc = _check_manifest(out)
    assert {f["name"] for f in doc["files"]} == {
        p.name for p in out.iterdir() if not p.name.startswith(".")
    }
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [MANIFEST_NAME]


def test_an_abandoned_staging_folder_is_removed_and_a_live_one_kept(tmp_path):
    """A killed run's staging folder is litter the next run clears; a live run's is not."""
    dead = tmp_path / f"{STAGING_PREFIX}dead"
    dead.mkdir()
    (dead / ".owner").touch()
    (dead / "0-a.json").write_text("half written")
    live = tmp_path / f"{STAGING_PREFIX}live"
    live.mkdir()
    (live / ".owner").touch()
    # Another process's lock: flock locks belong to an open file, so this one's stands.
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl,os,sys; fd=os.open(sys.argv[1], os.O_RDWR); "
         "fcntl.flock(fd, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()",
         str(live / ".owner")],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        _write_set(tmp_path, "next")
        assert not dead.exists()
        assert live.exists()
    finally:
        holder.communicate("")
    old_part = tmp_path / ".a.json.1234abcd.part"  # what an earlier version left
    old_part.write_text("x")
    os.utime(old_part, (time.time() - 7200, time.time() - 7200))
    _write_set(tmp_path, "again")
    assert not old_part.exists()


def test_a_folder_with_an_output_name_is_refused_and_kept(tmp_path):
    (tmp_path / "a.json").mkdir()
    (tmp_path / "a.json" / "keep.txt").write_text("the user's")
    with pytest.raises(OutputError, match="could not put a.json in place"):
        _write_set(tmp_path, "one")
    assert (tmp_path / "a.json" / "keep.txt").read_text() == "the user's"


def test_a_failed_commit_through_the_command_is_one_line(run, tmp_path, monkeypatch):
    out = tmp_path / "out"
    assert run("filter", *FILTER, "-o", out).exit_code == 0
    before = _contents(out)
    real = os.replace

    def failing(src, dst):
        if Path(dst).name.endswith(".variants.tsv") and Path(src).parent.name != "previous":
            raise OSError(28, "No space left on device", str(dst))
        return real(src, dst)

    monkeypatch.setattr(commit.os, "replace", failing)
    result = run("filter", *FILTER, "--tier", "core", "-o", out)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[-1].startswith("mmpsi-variants: error: ") and "in place" in lines[-1]
    assert "Traceback" not in result.output
    assert _contents(out) == before


def test_a_file_written_in_pieces_through_the_thread_is_whole_and_its_checksum_right(tmp_path):
    # Several megabytes of non-ASCII pieces: more than the chunks the writer thread is handed.
    pieces = [f"{i}\tSCN1A c.{i}G>A ü\n" for i in range(300_000)]
    with AtomicOutputs(tmp_path, manifest={"run": "big"}) as out:
        with out.writer("big.tsv") as fh, out.writer("small.tsv") as small:
            for p in pieces:
                fh.write(p)
            small.write("x\n")
        out.commit()
    assert (tmp_path / "big.tsv").read_text(encoding="utf-8") == "".join(pieces)
    assert [f["name"] for f in _check_manifest(tmp_path)["files"]] == ["big.tsv", "small.tsv"]


def test_a_write_error_in_the_thread_reaches_the_writer(tmp_path, monkeypatch):
    monkeypatch.setattr(commit, "_create", lambda path: os.open("/dev/full", os.O_WRONLY))
    with (
        pytest.raises(OutputError, match="the disk is full"),
        AtomicOutputs(tmp_path) as out,
        out.writer("a.json") as fh,
    ):
        for _ in range(20):
            fh.write("x" * (1 << 20))
    assert not _writer_threads()  # the writer thread ended


def test_a_writer_left_by_an_exception_stops_its_thread_and_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), AtomicOutputs(tmp_path) as out, out.writer("a.json") as fh:
        fh.write("y" * (3 << 20))
        raise RuntimeError("stop")
    assert not _writer_threads()
    assert list(tmp_path.iterdir()) == []


def _writer_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "mmpsi-writer"]
