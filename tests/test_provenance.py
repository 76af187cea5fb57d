"""Input checksums: remembered for an unchanged file, recomputed when it changes."""

from __future__ import annotations

import hashlib
import os

from mmpsi_variants.io.provenance import sha256sum


def test_digest_is_remembered_and_follows_changes(tmp_path, monkeypatch):
    monkeypatch.setenv("MMPSI_CACHE_DIR", str(tmp_path / "cache"))
    f = tmp_path / "ref.fa"
    f.write_bytes(b">c\nACGT\n")
    assert sha256sum(f) == hashlib.sha256(b">c\nACGT\n").hexdigest()
    (memo,) = (tmp_path / "cache" / "digests").iterdir()
    # A remembered digest is used as it is: prove it by planting one.
    memo.write_text("0" * 64 + "\n")
    assert sha256sum(f) == "0" * 64
    # Same size, new content and mtime: the file is hashed again.
    f.write_bytes(b">c\nTTTT\n")
    st = f.stat()
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert sha256sum(f) == hashlib.sha256(b">c\nTTTT\n").hexdigest()


def test_without_a_cache_the_file_is_hashed(tmp_path, monkeypatch):
    monkeypatch.setenv("MMPSI_CACHE_DIR", "off")
    f = tmp_path / "x.vcf"
    f.write_bytes(b"##fileformat=VCFv4.2\n")
    assert sha256sum(f) == hashlib.sha256(b"##fileformat=VCFv4.2\n").hexdigest()
    assert not (tmp_path / "off").exists()


def test_a_damaged_memo_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("MMPSI_CACHE_DIR", str(tmp_path / "cache"))
    f = tmp_path / "ref.fa"
    f.write_bytes(b">c\nACGT\n")
    expected = hashlib.sha256(b">c\nACGT\n").hexdigest()
    sha256sum(f)
    (memo,) = (tmp_path / "cache" / "digests").iterdir()
    for junk in (b"\xff" * 64, b"z" * 64, b""):
        memo.write_bytes(junk)
        assert sha256sum(f) == expected


def test_unwritable_cache_leaves_nothing_behind(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    (cache / "digests").mkdir(parents=True)
    (cache / "digests").chmod(0o500)
    monkeypatch.setenv("MMPSI_CACHE_DIR", str(cache))
    f = tmp_path / "x"
    f.write_bytes(b"x")
    try:
        assert sha256sum(f) == hashlib.sha256(b"x").hexdigest()
        assert list((cache / "digests").iterdir()) == [] or os.geteuid() == 0
    finally:
        (cache / "digests").chmod(0o700)
