"""qingyang articles: a cleaned page split into the articles a reader sees, and stories that
jump between pages stitched back together. Pure, no I/O; depends on `cleaners` only.
"""

from articles.segmentation import Article, segment_page
from articles.stitching import ArticleRecord, PageInput, stitch_issue

__all__ = ["Article", "ArticleRecord", "PageInput", "segment_page", "stitch_issue"]
