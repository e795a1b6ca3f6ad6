"""An engine's page, cleaned: laid out from its geometry, then the text contract's rules."""

from cleaners import CleanResult, Profile, clean
from layout import LaidOutPage, lay_out
from readers.model import OcrPage


def clean_ocr_page(page: OcrPage, profile: str | Profile | None = None) -> tuple[CleanResult, LaidOutPage]:
    """The cleaned page (paragraphs from the layout, not from text evidence) and its layout."""
    laid = lay_out(page)
    return clean(laid.text, profile, paragraphs_given=True), laid
