"""A coverage-guided fuzz run (atheris, libFuzzer) of the decoder and the JSONL reader:
any bytes give plausible text or a reason naming the file; never an exception, never
mojibake. `make faults` runs it for a bounded number of inputs:

    python tests/faults/fuzz_decoder.py -runs=50000 -max_total_time=120

libFuzzer prints the inputs tried (`Done N runs`); a crash is saved as crash-* and fails
the run.
"""

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from flows.inputs import SourceFile, read_source
    from qingyang.textio import UnreadableInput, decode_bytes, implausibility

_FOLDER = Path(tempfile.mkdtemp(prefix="qingyang-fuzz-"))
_JSONL = _FOLDER / "pages.jsonl"


def test_one_input(data: bytes) -> None:
    try:
        decoded = decode_bytes(data, "fuzz.txt")
    except UnreadableInput as err:
        if not str(err).startswith("fuzz.txt: "):
            raise AssertionError(f"a reason that does not name the file: {err}") from err
    else:
        problem = implausibility(decoded.text)
        if problem is not None:
            raise AssertionError(f"accepted as {decoded.encoding}: {problem}")
    _JSONL.write_bytes(data)  # the same bytes as a JSONL file: pages or reasons, no crash
    source = SourceFile(str(_JSONL), "pages.jsonl", "jsonl", len(data))
    pages, rejected = read_source(source, {}, max_chars=10_000)
    for page in pages:
        if not page.raw_text.strip() or len(page.raw_text) > 10_000:
            raise AssertionError(f"a page that should have been rejected: {page!r}")
    for item in rejected:
        if not item.reason:
            raise AssertionError(f"rejected without a reason: {item!r}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
