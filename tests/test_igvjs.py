"""igv.js for the reads pages: the pinned npm tarball, verified before anything is unpacked."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile

import pytest

from mmpsi_variants.core.errors import MmpsiError
from mmpsi_variants.report import igvjs


def _tarball(path, js=b"window.igv={};"):
    with tarfile.open(path, "w:gz") as tar:
        for name, data in (("package/dist/igv.min.js", js), ("package/LICENSE", b"MIT")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    digest = base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()
    return f"sha512-{digest}"


def test_a_tarball_that_is_not_the_pinned_release_is_refused_and_leaves_nothing(tmp_path):
    tgz = tmp_path / "igv.tgz"
    _tarball(tgz)
    dest = tmp_path / "share" / "igv.min.js"
    with pytest.raises(MmpsiError, match="sha512 mismatch"):
        igvjs.install(dest, source=tgz.as_uri())
    assert list(dest.parent.iterdir()) == []


def test_the_verified_tarball_gives_igv_js_and_its_licence(tmp_path, monkeypatch):
    tgz = tmp_path / "igv.tgz"
    monkeypatch.setattr(igvjs, "INTEGRITY", _tarball(tgz))
    dest = tmp_path / "share" / "igv.min.js"
    assert igvjs.install(dest, source=tgz.as_uri()) == dest
    assert dest.read_bytes() == b"window.igv={};"
    assert (dest.parent / "LICENSE").read_text() == "MIT"
    assert sorted(p.name for p in dest.parent.iterdir()) == ["LICENSE", "igv.min.js"]
    # The page names the version it inlines: another igv.min.js is refused.
    with pytest.raises(MmpsiError, match="not the igv.min.js of igv 3.8.10"):
        igvjs.find_igv_js(str(dest))


def test_a_named_copy_that_is_missing_is_an_error_not_a_download(tmp_path):
    with pytest.raises(MmpsiError, match="igv.js 3.8.10 not found"):
        igvjs.igv_js_for_page(str(tmp_path / "none.js"))
