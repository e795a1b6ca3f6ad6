"""Han bigrams: the wording two texts share (people, places, topic), for headline ties and
stitching. One helper for the package."""

import regex

# A run of Han glyphs: bigrams never span punctuation, digits or Latin.
HAN_RUN = regex.compile(r"\p{Han}+")


def han_bigrams(text: str) -> list[str]:
    """Each Han glyph with the next, within runs of Han.

    >>> han_bigrams("疫情防控，刘保新")
    ['疫情', '情防', '防控', '刘保', '保新']
    """
    return [run[i : i + 2] for run in HAN_RUN.findall(text) for i in range(len(run) - 1)]
