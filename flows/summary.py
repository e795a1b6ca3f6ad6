"""What a run did: one dataclass, built once from the steps' results, and one renderer
shared by the Prefect artifact and the terminal table."""

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class RunSummary:
    """The run's figures; every count is derived from the steps' results (`flows.pipeline.summarise`)."""

    files: int = 0
    pages: int = 0
    rows_written: int = 0
    rows_in_table: int = 0
    quarantined: list[dict] = field(default_factory=list)
    batches: int = 0
    batches_cleaned: int = 0
    batches_cached: int = 0
    parts_in_table: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    validation: str = "not run"
    validation_failed: bool = False  # the validation policy fails the run
    invalid_rows: int = 0
    pages_path: str = ""
    quarantine_path: str = ""
    reports_path: str = ""
    articles: int = 0
    issues: int = 0
    issues_built: int = 0
    articles_stitched: int = 0
    unmatched_jumps: int = 0
    invalid_pages_skipped: int = 0  # pages left out of the articles (quarantined)
    articles_validation: str = "not run"
    articles_path: str = ""

    @property
    def ok(self) -> bool:
        return not self.quarantined and not self.validation_failed

    @property
    def mb_per_s(self) -> float:
        return self.bytes_read / 1e6 / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok, "mb_per_s": self.mb_per_s}


def summary_rows(summary: dict, wall: float | None = None) -> list[tuple[str, str]]:
    """(what, value) lines of a run summary (`RunSummary.to_dict()`), for the terminal
    table and the Prefect artifact alike; `wall`: the seconds the caller measured."""
    time = f"{summary['seconds']:.2f} s"
    if wall is not None:
        time = f"{wall:.1f} s (flow body {summary['seconds']:.2f} s)"
    rows = [
        ("files", str(summary["files"])),
        ("pages", str(summary["pages"])),
        ("rows written", f"{summary['rows_written']} (table now {summary['rows_in_table']} "
                         f"rows in {summary['parts_in_table']} parts)"),
        ("batches cleaned / cached", f"{summary['batches_cleaned']} / {summary['batches_cached']}"),
        ("quarantined", str(len(summary["quarantined"]))),
        ("validation", summary["validation"]),
        ("validation report", summary["reports_path"]),
        ("articles", f"{summary['articles']} in {summary['issues']} issues "
                     f"({summary['issues_built']} rebuilt, {summary['articles_stitched']} stitched, "
                     f"{summary['unmatched_jumps']} jumps unmatched, "
                     f"{summary['invalid_pages_skipped']} invalid pages skipped)"),
        ("articles validation", summary["articles_validation"]),
        ("time", time),
        ("throughput", f"{summary['mb_per_s']:.2f} MB/s ({summary['bytes_read'] / 1e6:.2f} MB)"),
        ("pages table", summary["pages_path"]),
        ("articles table", summary["articles_path"]),
    ]
    return [(what, value) for what, value in rows if value]


def summary_markdown(summary: dict) -> str:
    """The summary as a Markdown table (the Prefect artifact), quarantined inputs below."""
    lines = ["# qingyang run", "", "| | |", "|---|---|"]
    lines += [f"| {what} | {value} |" for what, value in summary_rows(summary)]
    lines += [""] + [f"- quarantined `{q['source_path']}`: {q['reason']}"
                     for q in summary["quarantined"]]
    return "\n".join(lines)
