"""The validation report a reader opens: reports_dir/index.html, from Jinja2 templates.

Self-contained (no script, no CDN, styles inline): it reads the same offline as online.
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


def index_html(validation: Validation, note: str = "") -> str:
    """reports_dir/index.html: the suite, every expectation's result, links to GX's pages
    and to the reports of other suites in subfolders (reports/articles/index.html)."""
    reports_dir = validation.reports_dir
    site = reports_dir / GX_SITE

    def link(pattern: str) -> str:
        found = sorted(site.glob(pattern))
        return found[0].relative_to(reports_dir).as_posix() if found else ""

    others = [(p.relative_to(reports_dir).as_posix(), f"{p.parent.name} report")
              for p in sorted(reports_dir.glob("*/index.html")) if p.parent.name != GX_SITE]
    links = [(href, label) for href, label in (
        (link("validations/**/*.html"), "Great Expectations validation result"),
        (link("expectations/**/*.html"), "expectation suite"),
        (validation.json_name, "validation JSON"), *others) if href]
    return render("index.html.j2", validation=validation, note=note, links=links,
                  shown=_SHOWN_IDS,
                  passed=sum(e.success for e in validation.expectations))
