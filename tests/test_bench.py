"""The benchmark corpus builder: deterministic, and it injects every degradation it names.

No timing here: speed and memory are measured by `make bench`, never in tests.
"""

import json

import pytest

from bench import corpus


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    return out, corpus.build(300_000, out / "a", seed=7)


def test_same_seed_same_bytes(small, tmp_path):
    out, manifest = small
    again = corpus.build(300_000, tmp_path / "b", seed=7)
    assert again == manifest
    for shard in manifest["shards"]:
        assert (out / "a" / shard["file"]).read_bytes() == (tmp_path / "b" / shard["file"]).read_bytes()


def test_other_seed_other_pages(small, tmp_path):
    out, _ = small
    other = corpus.build(100_000, tmp_path / "c", seed=8)
    first = lambda path: next(corpus.iter_pages(path))  # noqa: E731
    assert first(out / "a") != first(tmp_path / "c")
    assert other["text_bytes"] >= 100_000


def test_size_and_manifest(small):
    out, manifest = small
    texts = list(corpus.iter_pages(out / "a"))
    assert len(texts) == manifest["pages"] == sum(s["pages"] for s in manifest["shards"])
    assert sum(len(t.encode()) for t in texts) == manifest["text_bytes"] >= 300_000
    assert json.loads((out / "a" / "corpus.json").read_text())["seed"] == 7


def test_every_degradation_injected(small):
    out, manifest = small
    assert set(manifest["degradations"]) == set(corpus.DEGRADATIONS)
    assert all(count > 0 for count in manifest["degradations"].values()), manifest["degradations"]
    text = "\n".join(corpus.iter_pages(out / "a"))
    assert "下转" in text or "下 转" in text  # jump markers, plain or letter-spaced
    assert "版版" in text  # doubled marker glyphs
    assert any(ch in text for ch in ",:;")  # ASCII punctuation
    assert "\u3000\u3000" in text or "\n\n" in text  # paragraph starts: indentation or blank lines


def test_pages_hard_wrapped_at_several_widths(small):
    out, _ = small
    widths = set()
    for page in corpus.iter_pages(out / "a"):
        lines = [line for line in page.split("\n") if len(line) > 8]
        widths.add(max(corpus._width(line.strip("\u3000 ")) for line in lines))
    assert len(widths) >= 3


def test_txt_format(tmp_path):
    manifest = corpus.build(50_000, tmp_path / "t", seed=1, fmt="txt")
    files = sorted((tmp_path / "t").glob("*/*.txt"))
    assert len(files) == manifest["pages"]
    assert next(iter(corpus.iter_pages(tmp_path / "t"))) == files[0].read_text("utf-8")


def test_ensure_reuses_a_matching_corpus(tmp_path):
    first = corpus.ensure(50_000, tmp_path / "e", seed=2)
    stamp = (tmp_path / "e" / "corpus.json").stat().st_mtime_ns
    assert corpus.ensure(50_000, tmp_path / "e", seed=2) == first
    assert (tmp_path / "e" / "corpus.json").stat().st_mtime_ns == stamp


def test_parse_size():
    assert corpus.parse_size("200MB") == 200_000_000
    assert corpus.parse_size("50kb") == 50_000
    with pytest.raises(Exception, match="not a size"):
        corpus.parse_size("lots")


def test_amdahl_predictions_from_a_measured_matrix():
    from bench.run import amdahl_speedup, scale_out, serial_share_from_speedup

    assert amdahl_speedup(1.0, 64) == 1.0 and amdahl_speedup(0.5, 2) == 4 / 3
    assert serial_share_from_speedup(2.5) == 0.0  # faster than linear: no serial share
    assert serial_share_from_speedup(0.8) == 1.0  # slower with two: all of it serial
    matrix = [
        {"runner": "process", "workers": 1, "wall_s": 20.0, "coordinator_cpu_share": 0.2},
        {"runner": "process", "workers": 2, "wall_s": 12.5, "coordinator_cpu_share": 0.25},
        {"runner": "thread", "workers": 1, "wall_s": 20.0},  # no 2-worker run: left out
    ]
    (runner, figures), = scale_out(matrix).items()
    assert runner == "process" and figures["two_vs_one"] == 1.6
    implied = serial_share_from_speedup(1.6)  # 0.25
    assert abs(figures["predicted"]["from_two_vs_one"][16] - amdahl_speedup(implied, 16)) < 1e-9
    assert figures["predicted"]["coordinator_cpu"][64] == amdahl_speedup(0.25, 64)
    assert figures["predicted"]["coordinator_cpu"][16] < 16
