"""Input faults (issue 15, cases 2 and 4): a page too big, a dangling symbolic link."""

import json
import os

import pytest

from cleaners import ProfileError, load_profile
from flows.inputs import discover, read_source

PAGE = "许昌日报专讯（记者 毛迎）5月12日，市委书记到建安区调研疫情防控工作。\n"


def test_dangling_symlink_in_a_folder_is_found_and_rejected_with_its_reason(tmp_path):
    (tmp_path / "good.txt").write_text(PAGE, "utf-8")
    os.symlink(tmp_path / "gone.txt", tmp_path / "link.txt")
    sources = discover([str(tmp_path)])
    names = sorted(os.path.basename(s.source_path) for s in sources)
    assert names == ["good.txt", "link.txt"]
    link = next(s for s in sources if s.source_path.endswith("link.txt"))
    pages, rejected = read_source(link, {})
    assert pages == [] and len(rejected) == 1
    assert rejected[0].source_path == link.source_path
    assert rejected[0].reason == f"cannot read: dangling symbolic link to {tmp_path / 'gone.txt'}"


def test_dangling_symlink_named_directly_is_an_input(tmp_path):
    os.symlink(tmp_path / "gone.txt", tmp_path / "link.txt")
    [source] = discover([str(tmp_path / "link.txt")])
    assert source.source_path.endswith("link.txt") and source.n_bytes == 0


def test_profile_has_a_page_size_limit():
    assert load_profile().max_page_chars == 200_000


def test_profile_size_limit_must_be_a_positive_integer(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text('[profiles.small]\nmax_page_chars = 0\n', "utf-8")
    with pytest.raises(ProfileError, match="max_page_chars must be a positive integer"):
        load_profile(f"{path}:small")


def test_page_over_the_limit_is_rejected_with_the_reason(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text(PAGE * 100, "utf-8")
    [source] = discover([str(path)])
    pages, rejected = read_source(source, {}, max_chars=len(PAGE) * 100 - 1)
    assert pages == [] and rejected[0].reason == (
        "page too big: 3,700 characters (profile limit max_page_chars 3,699)")
    assert read_source(source, {}, max_chars=len(PAGE) * 100)[0]


def test_jsonl_line_over_the_limit_is_rejected_the_others_kept(tmp_path):
    path = tmp_path / "pages.jsonl"
    lines = [{"text": PAGE}, {"text": PAGE * 10}, {"text": PAGE}]
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), "utf-8")
    [source] = discover([str(path)])
    pages, rejected = read_source(source, {}, max_chars=len(PAGE) * 2)
    assert [p.source_path.rpartition("#")[2] for p in pages] == ["1", "3"]
    assert [r.source_path.rpartition("#")[2] for r in rejected] == ["2"]
    assert "max_page_chars" in rejected[0].reason
