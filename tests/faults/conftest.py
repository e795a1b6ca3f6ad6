"""The fault suite's table: case, outcome, pages lost, time (printed by `make faults`).

A test records the pages it lost with the `pages_lost` fixture (a page that went in and is
neither in the table nor in quarantine); the table is printed at the end of the session
when QINGYANG_FAULT_TABLE is set. Slow cases carry the `faults` marker: `make test` leaves
them out, `make faults` runs them.
"""

import os

import pytest

_RESULTS: dict[str, dict] = {}


@pytest.fixture
def pages_lost(request):
    """Call with the number of pages a case lost (must be 0)."""

    def record(lost: int) -> int:
        _RESULTS.setdefault(request.node.nodeid, {})["lost"] = lost
        return lost

    return record


def pytest_runtest_logreport(report):
    entry = _RESULTS.setdefault(report.nodeid, {})
    if report.when == "call" or report.outcome != "passed":
        entry.setdefault("outcome", report.outcome)
        if report.outcome == "failed":
            entry["outcome"] = "failed"
        if report.skipped and isinstance(report.longrepr, tuple):
            entry["outcome"] = f"skipped: {report.longrepr[2].removeprefix('Skipped: ')}"
    entry["seconds"] = entry.get("seconds", 0.0) + report.duration


def pytest_terminal_summary(terminalreporter):
    if not os.environ.get("QINGYANG_FAULT_TABLE") or not _RESULTS:
        return
    rows = [(nodeid.split("::", 1)[-1], entry.get("outcome", "?"),
             "-" if "lost" not in entry else str(entry["lost"]), f"{entry['seconds']:.1f} s")
            for nodeid, entry in _RESULTS.items() if "faults/" in nodeid]
    widths = [max(len(row[i]) for row in [("case", "outcome", "pages lost", "time"), *rows])
              for i in range(4)]
    terminalreporter.section("fault suite")
    for row in [("case", "outcome", "pages lost", "time"), *rows]:
        terminalreporter.write_line("  ".join(cell.ljust(width)
                                              for cell, width in zip(row, widths, strict=True)))
    lost = sum(int(row[2]) for row in rows if row[2].isdigit())
    terminalreporter.write_line(f"pages lost in all: {lost}")


# The atheris fuzzer is a program run by `make faults`, not a test module (atheris is in
# the `faults` extra only).
collect_ignore = ["fuzz_decoder.py"]
