"""Issue 14, first part: downloads against a real HTTP server on loopback (nginx)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time

import pytest

from mmpsi_variants.io.download import Checksum, DownloadError, Fetcher, checksum_from_listing

from .nginx_server import NGINX, nginx

pytestmark = pytest.mark.skipif(
    NGINX is None, reason="nginx not installed (make setup installs it as root)"
)
PAYLOAD = bytes(range(256)) * 4096  # 1 MiB


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("www")
    (root / "genes.gff3").write_bytes(PAYLOAD)
    md5 = hashlib.md5(PAYLOAD).hexdigest()
    (root / "md5sums.txt").write_text(f"{md5}  genes.gff3\n{'0' * 32}  other.txt\n")
    (root / "genes.gff3.md5").write_text(f"MD5 (genes.gff3) = {md5}\n")
    with nginx(root, tmp_path_factory.mktemp("nginx")) as url:
        yield url, md5


def _md5(value):
    return Checksum("md5", value)


def test_a_full_download_is_verified_and_put_in_place(server, tmp_path):
    url, md5 = server
    dest = Fetcher().file(f"{url}/genes.gff3", tmp_path / "genes.gff3", _md5(md5))
    assert dest.read_bytes() == PAYLOAD and not (tmp_path / "genes.gff3.part").exists()


def test_checksums_come_from_md5sum_listings_and_ncbi_md5_files(server):
    url, md5 = server
    f = Fetcher()
    assert checksum_from_listing(f.text(f"{url}/md5sums.txt"), "genes.gff3", url).value == md5
    assert checksum_from_listing(f.text(f"{url}/genes.gff3.md5"), "genes.gff3", url).value == md5
    with pytest.raises(DownloadError, match="no checksum for missing.gff3"):
        checksum_from_listing(f.text(f"{url}/md5sums.txt"), "missing.gff3", url)


def test_a_checksum_mismatch_deletes_the_download_and_names_both_sums(server, tmp_path):
    url, md5 = server
    with pytest.raises(DownloadError) as exc:
        Fetcher().file(f"{url}/genes.gff3", tmp_path / "genes.gff3", _md5("f" * 32))
    text = str(exc.value)
    assert f"{url}/genes.gff3" in text and "f" * 32 in text and md5 in text
    assert list(tmp_path.iterdir()) == []  # nothing corrupt left, under any name


@pytest.mark.parametrize("path, status", [("/nothing-here.gff3", "404"), ("/broken/x", "500")])
def test_http_errors_name_the_url_and_the_status(server, tmp_path, path, status):
    url, _ = server
    with pytest.raises(DownloadError) as exc:
        Fetcher(retries=1, backoff=0).file(f"{url}{path}", tmp_path / "x")
    assert f"{url}{path}" in str(exc.value) and f"HTTP {status}" in str(exc.value)
    assert not (tmp_path / "x").exists()


def _etag(url):
    import requests

    return requests.head(url, timeout=10).headers["ETag"]


def test_a_cut_download_resumes_with_a_range_request(server, tmp_path):
    url, md5 = server
    part = tmp_path / "genes.gff3.part"
    part.write_bytes(PAYLOAD[: len(PAYLOAD) // 3])  # what a killed client left
    (tmp_path / "genes.gff3.part.etag").write_text(_etag(f"{url}/genes.gff3"))
    dest = Fetcher().file(f"{url}/genes.gff3", tmp_path / "genes.gff3", _md5(md5))
    assert dest.read_bytes() == PAYLOAD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["genes.gff3"]


def test_a_part_of_an_older_file_is_not_resumed_into_the_new_one(server, tmp_path):
    """If-Range: the server's file changed since the part was received (ClinVar's weekly
    file keeps its name), so the whole new file comes, not its tail after the old bytes."""
    url, md5 = server
    (tmp_path / "genes.gff3.part").write_bytes(b"last week's bytes " * 1000)
    (tmp_path / "genes.gff3.part.etag").write_text('"0-0"')
    dest = Fetcher().file(f"{url}/genes.gff3", tmp_path / "genes.gff3", _md5(md5))
    assert dest.read_bytes() == PAYLOAD


def test_a_server_that_ignores_range_gets_a_full_download(server, tmp_path):
    url, md5 = server
    (tmp_path / "genes.gff3.part").write_bytes(PAYLOAD[:1000])
    (tmp_path / "genes.gff3.part.etag").write_text(_etag(f"{url}/genes.gff3"))
    dest = Fetcher().file(f"{url}/norange/genes.gff3", tmp_path / "genes.gff3", _md5(md5))
    assert dest.read_bytes() == PAYLOAD


def test_a_client_killed_mid_file_leaves_only_a_part_that_a_rerun_completes(server, tmp_path):
    url, md5 = server
    dest = tmp_path / "genes.gff3"
    # A client reading the slow location (64 kB/s) is killed after a second, as a cancelled job.
    code = (
        "from pathlib import Path; from mmpsi_variants.io.download import Fetcher; "
        f"Fetcher().file('{url}/slow/genes.gff3', Path('{dest}'))"
    )
    proc = subprocess.Popen([sys.executable, "-c", code])
    time.sleep(1.5)
    proc.kill()
    proc.wait()
    part = tmp_path / "genes.gff3.part"
    assert not dest.exists()
    assert part.exists() and 0 < part.stat().st_size < len(PAYLOAD)
    Fetcher().file(f"{url}/genes.gff3", dest, _md5(md5))
    assert dest.read_bytes() == PAYLOAD and not part.exists()
