"""Decoding faults (issue 15, case 1): mojibake never passes, a cut last character is repaired."""

import codecs

import pytest

from flows.inputs import SourceFile, read_source
from qingyang.textio import UnreadableInput, decode_bytes, implausibility

PAGE = "许昌日报专讯（记者 毛迎）5月12日，市委书记、市长到建安区调研疫情防控工作。"


def test_utf8_page_cut_inside_its_last_character_is_utf8_repaired():
    data = PAGE.encode()[:-1]  # the closing 。 loses one of its three bytes
    decoded = decode_bytes(data, "p.txt")
    assert decoded.encoding == "utf-8"
    assert decoded.text == PAGE[:-1]
    assert decoded.repair == "incomplete last character (2 bytes) dropped"


@pytest.mark.parametrize("cut", range(1, 30))
def test_a_cut_utf8_page_never_decodes_to_mojibake(cut):
    data = PAGE.encode()[:-cut]
    try:
        decoded = decode_bytes(data, "p.txt")
    except UnreadableInput as err:
        assert "p.txt" in str(err)
        return
    assert decoded.encoding == "utf-8" and PAGE.startswith(decoded.text)


def test_mojibake_decodings_are_implausible():
    garbled = PAGE.encode()[:26].decode("gb18030")  # 璁告槍鏃ユ姤涓撹…, two PUA characters
    assert implausibility(garbled) == "Private Use Area characters (2)"
    assert implausibility("璁告槍鏃ユ姤涓撹锛堣鑰").startswith("few common Han characters")
    assert implausibility(PAGE) is None


def test_long_mojibake_is_quarantined_with_its_reason():
    long_page = PAGE * 40
    garbled = long_page.encode().decode("gb18030", errors="replace").replace("\ufffd", "")
    with pytest.raises(UnreadableInput, match=r"p\.txt: no plausible decoding"):
        decode_bytes(garbled.encode("utf-16"), "p.txt")


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16", "utf-8-sig"])
def test_real_encodings_still_decode(encoding):
    decoded = decode_bytes(PAGE.encode(encoding), "p.txt")
    assert decoded.text == PAGE and decoded.repair is None


def test_traditional_page_is_plausible():
    assert implausibility("許昌日報專訊（記者 毛迎）5月12日，市委書記、市長到建安區調研疫情防控工作。") is None


def test_nul_bytes_and_binary_are_rejected_with_reason():
    with pytest.raises(UnreadableInput, match="binary data"):
        decode_bytes(b"\x00\x01\x02PNG\x00" * 50, "p.txt")
    with pytest.raises(UnreadableInput, match="empty file"):
        decode_bytes(b" \n", "p.txt")


def test_read_source_records_the_repair(tmp_path):
    path = tmp_path / "cut.txt"
    path.write_bytes(PAGE.encode()[:-1])
    source = SourceFile(str(path), "cut.txt", "text", path.stat().st_size)
    pages, rejected = read_source(source, {})
    assert not rejected and pages[0].encoding == "utf-8"
    assert pages[0].repair == "incomplete last character (2 bytes) dropped"


def test_utf16_bom_page_cut_mid_character_is_repaired():
    data = codecs.BOM_UTF16_LE + PAGE.encode("utf-16-le")[:-1]
    decoded = decode_bytes(data, "p.txt")
    assert decoded.encoding == "utf-16" and decoded.text == PAGE[:-1] and decoded.repair
