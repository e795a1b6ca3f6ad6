"""Every threshold the expectation suites use, in one reviewed place.

Change a number here, not in a suite. Each constant says what it guards and why
the value is what it is; the figures quoted were measured on seeds/ and tests/gold/.
"""

from dataclasses import dataclass
from datetime import date, timedelta

# Share of non-space characters that are Han. Clean pages measure 0.67-0.88 (seeds,
# gold); below 0.40 the page is mostly Latin, digits or mojibake (a wrong decode);
# above 0.99 the punctuation has gone missing.
HAN_RATIO_MIN = 0.40
HAN_RATIO_MAX = 0.99

# Share of characters that OpenCC t2s would still change, for simplified profiles
# only (traditional profiles keep their script). The cleaner runs t2s, so a clean
# page measures 0; a few per thousand is tolerated for phrase-level conversions.
TRAD_SHARE_MAX = 0.002

# An OCR engine's mean line confidence (0-1) below this: the page was read too poorly to
# trust its text (PP-OCR and Tesseract score clean newspaper pages 0.85-0.99). Text input
# has none, and passes.
OCR_CONFIDENCE_MIN = 0.6

# An OpenCC config converting to simplified ends in "s" (t2s, tw2s, hk2s): rows of a
# profile with such a config are held to TRAD_SHARE_MAX.
SIMPLIFIED_OPENCC_SUFFIX = "s"

# The first Chinese-language periodical (察世俗每月统记传) appeared in 1815; an issue
# dated tomorrow is normal (a morning paper is printed the night before).
ISSUE_DATE_MIN = date(1815, 1, 1)
ISSUE_DATE_DAYS_AHEAD = 1


def issue_date_max(today: date | None = None) -> date:
    """The latest plausible issue date: today plus ISSUE_DATE_DAYS_AHEAD."""
    return (today or date.today()) + timedelta(days=ISSUE_DATE_DAYS_AHEAD)


# Page label: Arabic digits with an optional section letter (1, 12, A07). ASCII
# classes on purpose: `\d` would also accept full-width and other Unicode digits.
PAGE_LABEL_PATTERN = r"^[A-Z]?[0-9]{1,3}$"

# A page has at least one paragraph.
MIN_PARAGRAPHS = 1


@dataclass(frozen=True)
class Policy:
    """What a failed validation does to a run.

    mode "warn": the run succeeds (failing rows are quarantined and reported) unless
    more than `max_failing_share` of the rows fail, or a table-level expectation
    (row count, columns) fails. mode "fail": any failed expectation fails the run.
    """

    mode: str = "warn"
    max_failing_share: float = 0.10

    def __post_init__(self) -> None:
        if self.mode not in ("warn", "fail"):
            raise ValueError(f"policy mode must be 'warn' or 'fail', not {self.mode!r}")
        if not 0.0 <= self.max_failing_share <= 1.0:
            raise ValueError("max_failing_share must be within [0, 1]")


DEFAULT_POLICY = Policy()


# Articles (expectations/articles_suite.py).
# stitch_confidence: 0.0 marks a jump that found no partner; a stitch scores from 0.5 (both
# markers agree, no other evidence; articles.stitching.MARKER_AGREEMENT) up to 1.0.
STITCH_CONFIDENCE_MIN = 0.0
STITCH_CONFIDENCE_MAX = 1.0

# An article comes from at least one page.
MIN_DOC_IDS = 1
