"""The validation report a reader opens: reports_dir/index.html, from Jinja2 templates.

Self-contained (no script, no CDN, styles inline): it reads the same offline as online.
`write_index` writes it from a validation alone (the suite runner, the articles suite);
`expectations.report.pages.write_report` adds the failing pages, their faults in context
and proof views (`expectations.report.proof`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from expectations.results import Validation
from qingyang.parquet_io import write_bytes_atomic

# Great Expectations' own Data Docs site, under reports_dir (rebuilt on every validation by
# expectations.runner). Its pages load Bootstrap and jQuery from CDNs, so the report links
# to it only as a secondary view.
GX_SITE = "gx"
# What the pages report says about its input.
PAGES_NOTE = "Metrics were recomputed from text before validating. 指标按清洗后文本重新计算。"
_SHOWN_IDS = 10
TEMPLATES = Path(__file__).parent / "templates"


@cache
def environment():
    """The Jinja2 environment of the report templates (autoescaping HTML)."""
    import jinja2

    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                              autoescape=jinja2.select_autoescape(("html", "j2")),
                              trim_blocks=True, lstrip_blocks=True)


def render(template: str, **context) -> str:
    """`template` (a file in templates/) rendered with `context`."""
    return environment().get_template(template).render(**context)


def write_index(validation: Validation, note: str = PAGES_NOTE) -> None:
    """(Re)write reports_dir/index.html, linking every sub-report there (articles/)."""
    write_bytes_atomic(validation.reports_dir / "index.html",
                       index_html(validation, note).encode())


def report_links(validation: Validation) -> list[tuple[str, str]]:
    """(href, label) of the JSON, GX's own pages and other suites' reports beside it."""
    reports_dir = validation.reports_dir
    site = reports_dir / GX_SITE

    def link(pattern: str) -> str:
        found = sorted(site.glob(pattern))
        return found[0].relative_to(reports_dir).as_posix() if found else ""

    others = [(p.relative_to(reports_dir).as_posix(), f"{p.parent.name} report 报告")
              for p in sorted(reports_dir.glob("*/index.html"))
              if p.parent.name not in (GX_SITE, "proofs", "docs")]
    return [(href, label) for href, label in (
        (validation.json_name, "验证结果 JSON validation JSON"), *others,
        (link("validations/**/*.html"), "Great Expectations 结果页 GX result page (needs a network)"),
        (link("expectations/**/*.html"), "Great Expectations 规则页 GX suite page (needs a network)"),
    ) if href]


def index_html(validation: Validation, note: str = "") -> str:
    """reports_dir/index.html without rows or proofs (`expectations.report.pages` adds
    them): counts, every expectation with its threshold, links."""
    return render("index.html.j2", validation=validation, note=note,
                  links=report_links(validation), docs=[], rows=[], rows_total=0, inputs=None,
                  shown=_SHOWN_IDS, passed=sum(e.success for e in validation.expectations))
