import pytest

from mmpsi_variants.core.contigs import NO_BUILD, ContigMap, canonical, detect_build, get_build
from mmpsi_variants.core.errors import ConfigError, ContigError


@pytest.mark.parametrize(
    "name, key",
    [
        ("chr1", "1"),
        ("1", "1"),
        ("CHR2", "2"),
        ("chrX", "X"),
        ("X", "X"),
        ("chrM", "MT"),
        ("MT", "MT"),
        ("NC_000001.11", "1"),
        ("NC_000001.10", "1"),
        ("NC_000023.11", "X"),
        ("NC_000024.10", "Y"),
        ("NC_012920.1", "MT"),
        ("chr1_KI270706v1_random", "1_KI270706v1_random"),
    ],
)
def test_canonical(name, key):
    assert canonical(name) == key


def test_contig_map_translates_between_naming_styles():
    m = ContigMap(["1", "2", "X"])
    assert m.get("chr1") == "1"
    assert m.get("NC_000023.11") == "X"
    assert m.get("chr3") is None


def test_contig_map_fails_only_when_nothing_matches():
    m = ContigMap(["1", "2"])
    m.require_overlap(["chr2", "chr9"], what="gene", path="g.gff3", target="the VCF")
    with pytest.raises(ContigError, match="none of the gene contigs"):
        m.require_overlap(["chr9"], what="gene", path="g.gff3", target="the VCF")


@pytest.mark.parametrize(
    "build, chrom, pos, in_par",
    [
        ("GRCh38", "chrX", 10_001, True),
        ("GRCh38", "chrX", 10_000, False),
        ("GRCh38", "chrX", 2_781_479, True),
        ("GRCh38", "chrX", 2_781_480, False),
        ("GRCh38", "X", 155_701_383, True),
        ("GRCh37", "X", 60_001, True),
        ("GRCh37", "X", 2_699_520, True),
        ("GRCh37", "X", 2_699_521, False),
        ("GRCh37", "chrX", 154_931_044, True),
        ("GRCh38", "chrX", 77_910_692, False),  # ATP7A lies outside both PARs
        ("GRCh38", "chr7", 60_001, False),
    ],
)
def test_pseudoautosomal_regions_by_build(build, chrom, pos, in_par):
    assert get_build(build).in_par(chrom, pos) is in_par


def test_build_detection_from_chrx_length_and_reference_line():
    assert detect_build({"chrX": 156_040_895}).name == "GRCh38"
    assert detect_build({"X": 155_270_560}).name == "GRCh37"
    assert detect_build({"chrX": 1000}, "file:///refs/hg38.fa").name == "GRCh38"
    assert detect_build({"chrX": 1000}, "genome.fa") is NO_BUILD


def test_unknown_build_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown genome build"):
        get_build("hg17")
