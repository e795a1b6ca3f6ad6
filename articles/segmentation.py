"""Split a cleaned page into the articles a reader sees (pure, no I/O).

A cleaned page is one paragraph per line, with no layout: the evidence is what the
lines say. Display lines (no sentence punctuation, short) are headlines; a lead
(`本报讯（记者 高伟山）`) opens a story; a stand-alone byline or credit sits on its own
line; short sentences just above a photo credit are a caption; `■` lines are guide items.

OCR reading order is not layout order: in a page read column by column a story's
headline block can come AFTER its body. A headline block between two bodies is
therefore tied to the one it names (shared Han bigrams: people, places, topic),
defaulting to the body below it, the usual layout.

Jump markers were removed from the text by the cleaner, which recorded the paragraph
each belongs to (`JumpMarker.paragraph`).

Not for: column layout recovery (no coordinates here), or pages that are not news.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import regex

from articles.bigrams import han_bigrams
from cleaners.charclasses import BYLINE_ROLES, GUIDE_BULLETS, HSPACE, LEAD_WORDS
from cleaners.lines import (
    CLAUSE_PUNCT,
    GUIDE_ITEM,
    LEAD,
    is_byline,
    visible_width,
)
from cleaners.markers import JumpMarker
from cleaners.plan import CleanResult

# A lead with its bracketed byline: `本报讯（郑报全媒体记者 陈锋 孙亚文）`, `又讯（…）`, `新华社北京电（…）`.
LEAD_BYLINE = regex.compile(
    rf"^[{HSPACE}]*(?P<lead>{LEAD_WORDS})"
    rf"[{HSPACE}]*(?:（(?P<byline>[^（）]{{1,40}})）)?"
)

# A role word before reporters' names, with an optional outlet prefix (`郑报全媒体记者`):
# stripped to leave the names.
ROLE = regex.compile(rf"^\p{{Han}}{{0,6}}?(?:{BYLINE_ROLES})")

# A person's name in a byline: 2–4 Han glyphs (or with a middle dot), maybe `/文` `/图`.
NAME = regex.compile(r"^(?P<name>[\p{Han}·]{2,4})(?:/(?P<role>[文图]))?$")

# A source attribution closing a story (`…在主场出席。据河南日报`): the story is reprinted.
SOURCE = regex.compile(r"(?:^|(?<=[。！？”]))[ ]?(?P<source>据\p{Han}{2,10}?(?:日报|晚报|报|社|网|台))$")

# A notice's title word fused onto its text opens a new item (`公示根据考察情况，…`); not
# `通告明确…`, where the word is the sentence's subject inside a story.
NOTICE = regex.compile(r"^(?:公示|启事|讣告)(?!期|称|中|指出|显示)")

# A story's first line, a lead or a notice's title: LEAD or NOTICE in one match.
STORY_OPENING = regex.compile(f"{LEAD.pattern}|{NOTICE.pattern}")

# A photo credit, not an author's byline: ends in `摄`, or names only photographers (`/图`).
CREDIT = regex.compile(r"(?:摄[ ]*$)|^(?:[^/]*/图[ ]*)+$")

# A caption says what a photo shows: `图为…`.
PHOTO_CAPTION = regex.compile(r"图为|图片为|上图|下图|左图|右图")

# A kicker (引题) line states the occasion and ends in a reporting verb (`…时强调`);
# the headline proper is the line after it.
KICKER = regex.compile(r"(?:时|并)?(?:强调|要求|指出|表示|提出|讲话|批示)$")

# Inside one display line, a kicker phrase before the title (`…例会强调 联防联控 …`).
KICKER_IN_LINE = regex.compile(
    r"^(?P<kicker>\S{6,60}?(?:强调|要求|指出|表示))[ ]+(?P<main>\S.*)$"
)

# GUIDE_ITEM's characters, for a fast test before it: its leading spaces, its bullets.
_HSPACE_CHARS = HSPACE.encode().decode("unicode_escape")
_GUIDE_OPENERS = tuple(GUIDE_BULLETS)

# Prefer the body above a headline only when it shares this much more of the headline.
ABOVE_MARGIN = 0.15
# A caption is short (in CJK cells) unless it says `图为`.
CAPTION_WIDTH = 60
# A headline line is at most this wide, and has at most this many clause marks.
HEADLINE_WIDTH = 80
HEADLINE_CLAUSES = 2


@dataclass
class Article:
    """One item of a page: a story, a guide item, a photo caption, or a stray heading."""

    kind: str = "story"  # story | guide | caption | notice | heading
    headline: str | None = None
    subheadlines: list[str] = field(default_factory=list)
    lead: str | None = None  # 本报讯 | 又讯 | 新华社…电
    source: str | None = None  # 据河南日报
    byline: str | None = None  # as printed: `记者 毛迎 孙江锋`
    reporters: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    intertitles: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    markers: list[JumpMarker] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # guide items: pages pointed to
    headline_note: str | None = None  # why there is no headline, or where it came from
    first_paragraph: int = 0  # index in the page's paragraphs, for order

    @property
    def text(self) -> str:
        return "\n".join(self.body)

    def jumps(self, kind: str) -> list[JumpMarker]:
        return [m for m in self.markers if m.kind == kind]

    def to_dict(self) -> dict:
        return asdict(self)


# ---------------------------------------------------------------- line classes


def is_headline_line(line: str) -> bool:
    """Display type: no sentence-final punctuation, short, not a lead, byline or guide item.

    >>> is_headline_line("紧盯薄弱环节 落实防控措施"), is_headline_line("第九轮核酸检测，社会面仅1例阳性")
    (True, True)
    >>> is_headline_line("李海峰等参加调研"), is_headline_line("刘涛还对做好城市火灾风险防控工作提出了具体要求。")
    (True, False)
    """
    return not (GUIDE_ITEM.match(line) or is_byline(line)) and _is_display(line)


def _is_display(line: str) -> bool:
    """`is_headline_line` of a line known to be neither a guide item nor a byline."""
    if "。" in line or "！" in line or "？" in line:  # SENTENCE_PUNCT; cheapest first: body lines fail here
        return False
    if LEAD.match(line) or visible_width(line) > HEADLINE_WIDTH:
        return False
    stripped = line.rstrip()
    if stripped and CLAUSE_PUNCT.match(stripped[-1]):
        return False  # a body line cut mid-sentence (`…政策教育，`)
    return len(CLAUSE_PUNCT.findall(line)) <= HEADLINE_CLAUSES


def parse_byline(byline: str) -> tuple[list[str], list[str]]:
    """Reporters and photographers named in a byline or credit.

    >>> parse_byline("郑报全媒体记者 陈锋 孙亚文")
    (['陈锋', '孙亚文'], [])
    >>> parse_byline("通讯员 李雪/文 连敬春/图")
    (['李雪'], ['连敬春'])
    >>> parse_byline("签约摄影师 马宁 摄")
    ([], ['马宁'])
    """
    text = byline.strip()
    photo_only = text.endswith("摄")
    text = text.removesuffix("摄")
    reporters: list[str] = []
    photographers: list[str] = []
    for token in text.split():
        token = ROLE.sub("", token)
        match = NAME.match(token)
        if not match:
            continue
        name = match["name"]
        if photo_only or match["role"] == "图":
            photographers.append(name)
        else:
            reporters.append(name)
    return reporters, photographers


def headline_score(lines: Sequence[str], body: Sequence[str]) -> float:
    """Share of a headline block's Han bigrams found in a body: how much it names the story.

    >>> body = ["本报讯（记者 付家宝）市政协主席刘保新到中心城区督导调研疫情防控工作。"]
    >>> round(headline_score(["刘保新在督导调研疫情防控工作时强调"], body), 2)
    0.69
    """
    return _share_in(set(han_bigrams(" ".join(lines))), "\n".join(body))


def _share_in(heading: set[str], body: str) -> float:
    """Share of the heading's bigrams found in the body text. Two Han glyphs side by side
    in the body are one of its Han runs' bigrams, so a substring test is a set test."""
    return len([gram for gram in heading if gram in body]) / len(heading) if heading else 0.0


# ---------------------------------------------------------------- units


@dataclass
class _Unit:
    kind: str  # body | heading | byline | caption | guide
    rows: list[int]
    opens_story: bool = False  # body: starts with a lead, a notice or a continued_from


def _classify(paragraphs: Sequence[str], anchored: dict[int, list[JumpMarker]]) -> list[str]:
    kinds: list[str] = []
    for i, line in enumerate(paragraphs):
        if line.lstrip(_HSPACE_CHARS).startswith(_GUIDE_OPENERS) and GUIDE_ITEM.match(line):
            kinds.append("guide")
        elif is_byline(line):
            kinds.append("credit" if CREDIT.search(line) else "byline")
        elif _is_display(line):  # (is_headline_line: the two tests above have failed)
            sees = i in anchored and any(m.kind == "see_page" for m in anchored[i])
            kinds.append("guide" if sees else "heading")
        else:
            kinds.append("body")
    # A guide item's first line may sit on the line above the one holding its marker.
    for i in range(len(kinds) - 1):
        if kinds[i] == "heading" and kinds[i + 1] == "guide" and not GUIDE_ITEM.match(
            paragraphs[i + 1]
        ):
            kinds[i] = "guide_head"
    # Short sentences (or a `图为…`) right above a photo credit are its caption.
    for i, kind in enumerate(kinds):
        if kind != "credit":
            continue
        j = i - 1
        while j >= 0 and i - j <= 3 and kinds[j] == "body" and not LEAD.match(paragraphs[j]) and (
            visible_width(paragraphs[j]) <= CAPTION_WIDTH or PHOTO_CAPTION.search(paragraphs[j])
        ):
            kinds[j] = "caption"
            j -= 1
    return kinds


def _units(paragraphs: Sequence[str], kinds: Sequence[str],
           anchored: dict[int, list[JumpMarker]]) -> list[_Unit]:
    units: list[_Unit] = []
    for i, kind in enumerate(kinds):
        last = units[-1] if units else None
        opens = kind == "body" and _opens_story(paragraphs[i], anchored.get(i))
        if kind == "credit" and last and last.kind == "caption":
            last.rows.append(i)
        elif kind == "credit":
            units.append(_Unit("byline", [i]))
        elif kind == "guide_head":
            units.append(_Unit("guide", [i]))
        elif kind == "guide" and last and last.kind == "guide" and kinds[last.rows[-1]] == "guide_head":
            last.rows.append(i)
        elif kind == "body" and last and last.kind == "body" and not opens:
            last.rows.append(i)
        elif kind in ("heading", "byline", "caption") and last and last.kind == kind:
            last.rows.append(i)
        else:
            units.append(_Unit(kind, [i], opens_story=opens))
    return units


def _opens_story(line: str, markers: list[JumpMarker] | None) -> bool:
    """A body line that starts a story: a lead, a notice's title, or a `continued_from`."""
    return bool(STORY_OPENING.match(line)
                or (markers and any(m.kind == "continued_from" for m in markers)))


# ---------------------------------------------------------------- assembly


def _split_headline(lines: list[str], resumes: bool) -> tuple[str, list[str]]:
    """The main line of a headline block and the rest, in reading order."""
    if resumes:  # a continuation repeats its headline right above `（上接第一版）`
        return lines[-1], lines[:-1]
    if len(lines) > 1 and KICKER.search(lines[0]):
        return lines[1], [lines[0], *lines[2:]]
    match = KICKER_IN_LINE.match(lines[0])
    if match:
        return match["main"], [match["kicker"], *lines[1:]]
    return lines[0], lines[1:]


def _story_from(unit: _Unit, paragraphs: Sequence[str]) -> Article:
    body = [paragraphs[i] for i in unit.rows]
    article = Article(kind="story", body=body, first_paragraph=unit.rows[0])
    match = LEAD_BYLINE.match(body[0])
    if match:
        article.lead = match["lead"]
        if match["byline"]:
            article.byline = match["byline"].strip()
            article.reporters = parse_byline(article.byline)[0]
    elif NOTICE.match(body[0]):
        article.kind = "notice"
    source = "据" in body[-1] and SOURCE.search(body[-1])  # (SOURCE's one fixed glyph first)
    if source:
        article.source = source["source"]
    return article


def segment_page(page: CleanResult | str, markers: Sequence[JumpMarker] = ()) -> list[Article]:
    """Split a cleaned page into articles, in reading order.

    `page` is a `CleanResult`, whose markers carry the paragraph they belong to, or cleaned
    text with its `markers`. A marker not placed by the cleaner (`paragraph` -1) goes where a
    story resumes (the top) or jumps away (the bottom).

    >>> from cleaners import clean
    >>> page = clean("坚定必胜信心\\n\\n本报讯（记者 付家宝）5月12日，刘保新到城区督导。\\n\\n"
    ...              "■我市开通心理疏导热线 ▶▶▶▶22 版版")
    >>> [(a.kind, a.headline, a.byline, a.pages) for a in segment_page(page)]
    [('story', '坚定必胜信心', '记者 付家宝', []), ('guide', '我市开通心理疏导热线', None, ['2'])]
    """
    if isinstance(page, CleanResult):
        paragraphs, markers = page.paragraphs, page.markers
    else:
        paragraphs = [line for line in page.split("\n") if line.strip()]
    anchored: dict[int, list[JumpMarker]] = {}
    for marker in markers:
        anchored.setdefault(_paragraph_of(marker, len(paragraphs)), []).append(marker)

    kinds = _classify(paragraphs, anchored)
    units = _units(paragraphs, kinds, anchored)
    return _assemble(paragraphs, units, anchored)


def _paragraph_of(marker: JumpMarker, count: int) -> int:
    """The marker's paragraph, within the page; unplaced: the top or the bottom."""
    if 0 <= marker.paragraph < count:
        return marker.paragraph
    return 0 if marker.kind == "continued_from" or count == 0 else count - 1


def _assemble(paragraphs: Sequence[str], units: list[_Unit],
              anchored: dict[int, list[JumpMarker]]) -> list[Article]:
    stories: dict[int, Article] = {}  # unit index → story
    headings: dict[int, list[tuple[float | None, int]]] = {}  # story unit → (score, heading unit)
    items: list[Article] = []

    # Feature: a lead-less body with a stand-alone byline; lead-less sections after
    # intertitles belong to it, and display lines left at its end are photo captions.
    feature: int | None = None
    merged: set[int] = set()
    for u, unit in enumerate(units):
        if unit.kind == "body":
            stories[u] = _story_from(unit, paragraphs)
            if unit.opens_story:
                feature = None
        elif unit.kind == "byline" and not any(CREDIT.search(paragraphs[i]) for i in unit.rows):
            near = [v for v in (u - 1, u + 1) if 0 <= v < len(units) and units[v].kind == "body"
                    and not units[v].opens_story]
            if near and feature is None:
                feature = near[0]
    if feature is not None:
        story = stories.get(feature) or _story_from(units[feature], paragraphs)
        stories[feature] = story
        u = feature + 1
        while u < len(units):
            unit = units[u]
            if unit.kind == "byline":
                u += 1
                continue
            nxt = units[u + 1] if u + 1 < len(units) else None
            if unit.kind == "heading" and nxt and nxt.kind == "body" and not nxt.opens_story:
                titles = [paragraphs[i] for i in unit.rows]
                story.intertitles.extend(titles)
                story.body.extend(titles + [paragraphs[i] for i in nxt.rows])
                merged.update({u, u + 1})
                stories.pop(u + 1, None)
                u += 2
            elif unit.kind == "heading" and nxt is None:
                story.captions.extend(paragraphs[i] for i in unit.rows)
                merged.add(u)
                u += 1
            else:
                break

    # Bylines and credits: to the lead-less body beside them, else the body below.
    for u, unit in enumerate(units):
        if unit.kind != "byline":
            continue
        target = _neighbour_story(units, stories, u)
        lines = [paragraphs[i] for i in unit.rows]
        if target is None:
            items.append(Article(kind="heading", credits=lines, first_paragraph=unit.rows[0],
                                 headline_note="byline with no story beside it"))
            continue
        story = stories[target]
        for line in lines:
            if CREDIT.search(line):
                story.credits.append(line)
                continue
            reporters, _ = parse_byline(line)
            story.byline = f"{story.byline} {line}" if story.byline else line
            story.reporters.extend(reporters)
            if "/图" in line:
                story.credits.append(line)

    # Headline blocks: to the body they name, below unless the one above names it better.
    # A block's score is found only where it decides: between two bodies, or (None until
    # then) among the blocks of one story.
    score = _HeadlineScores(paragraphs, units, stories)
    for u, unit in enumerate(units):
        if unit.kind != "heading" or u in merged:
            continue
        lines = [paragraphs[i] for i in unit.rows]
        above = _adjacent_body(units, stories, u, -1)
        below = _adjacent_body(units, stories, u, +1)
        if below is not None and units[below].rows[0] in anchored and any(
            m.kind == "continued_from" for m in anchored[units[below].rows[0]]
        ):  # the repeated headline of a continuation (no share is above 1, nor beats it)
            headings.setdefault(below, []).append((1.0, u))
        elif below is not None and above is not None:
            score_above, score_below = score(u, above), score(u, below)
            if score_above > score_below + ABOVE_MARGIN:
                headings.setdefault(above, []).append((score_above, u))
            else:
                headings.setdefault(below, []).append((score_below, u))
        elif below is not None or above is not None:
            headings.setdefault(above if below is None else below, []).append((None, u))
        else:
            main, rest = _split_headline(lines, resumes=False)
            items.append(Article(kind="heading", headline=main, subheadlines=rest,
                                 first_paragraph=unit.rows[0],
                                 headline_note="headline block with no story beside it"))

    previous: Article | None = None
    for u in sorted(stories):
        story = stories[u]
        first = units[u].rows[0]
        resumes = first in anchored and any(m.kind == "continued_from" for m in anchored[first])
        blocks = sorted(headings.get(u, []), key=lambda pair: units[pair[1]].rows[0])
        if blocks:
            if len(blocks) > 1:
                blocks = [(score(b, u) if found is None else found, b) for found, b in blocks]
            best = max(blocks, key=lambda pair: pair[0])[1]
            lines = [paragraphs[i] for i in units[best].rows]
            story.headline, rest = _split_headline(lines, resumes and best < u)
            others = [paragraphs[i] for _, b in blocks if b != best for i in units[b].rows]
            before = [line for _, b in blocks if b < best for line in
                      (paragraphs[i] for i in units[b].rows)]
            story.subheadlines = before + rest + [x for x in others if x not in before]
        elif story.lead == "又讯" and previous is not None and previous.headline:
            story.headline = previous.headline
            story.headline_note = "又讯: shares the headline of the story above"
        else:
            story.headline_note = "no headline on the page"
        previous = story

    for unit in units:
        if unit.kind == "caption":
            lines = [paragraphs[i] for i in unit.rows]
            credits = [x for x in lines if is_byline(x)]
            items.append(Article(kind="caption", captions=[x for x in lines if x not in credits],
                                 credits=credits, first_paragraph=unit.rows[0],
                                 headline_note="photo caption"))
        elif unit.kind == "guide":
            lines = [paragraphs[i].strip() for i in unit.rows]
            lines = [GUIDE_ITEM.sub("", x, count=1) for x in lines]
            found = [m for i in unit.rows for m in anchored.get(i, [])]
            items.append(Article(kind="guide", headline=lines[-1], subheadlines=lines[:-1],
                                 markers=found, first_paragraph=unit.rows[0],
                                 pages=[m.page for m in found if m.kind == "see_page"]))
    _share_guide_pages(items)

    for u, story in stories.items():
        story.markers = [m for i in units[u].rows if i in anchored for m in anchored[i]]
        # An intertitled feature keeps its merged sections' markers too.
    for u in merged:
        if units[u].kind == "body" and feature is not None:
            stories[feature].markers.extend(m for i in units[u].rows if i in anchored
                                            for m in anchored[i])
    items.extend(stories.values())
    items.sort(key=lambda a: a.first_paragraph)
    return items


def _share_guide_pages(items: list[Article]) -> None:
    """Guide items printed without their own `▶N版` share the next one's page in the box."""
    guides = [a for a in items if a.kind == "guide"]
    for k, guide in enumerate(guides):
        if guide.pages:
            continue
        for later in guides[k + 1 :]:
            if later.first_paragraph - guide.first_paragraph > 4:
                break
            if later.pages:
                guide.pages = list(later.pages)
                guide.headline_note = "page taken from the guide box's next marker"
                break


class _HeadlineScores:
    """`headline_score` of a page's heading units against its story units: each heading's
    bigrams and each story's text found once, at their first asking."""

    def __init__(self, paragraphs: Sequence[str], units: list[_Unit],
                 stories: dict[int, Article]) -> None:
        self.paragraphs, self.units, self.stories = paragraphs, units, stories
        self.grams: dict[int, set[str]] = {}
        self.texts: dict[int, str] = {}

    def __call__(self, heading: int, story: int) -> float:
        if heading not in self.grams:
            lines = [self.paragraphs[i] for i in self.units[heading].rows]
            self.grams[heading] = set(han_bigrams(" ".join(lines)))
        if story not in self.texts:
            self.texts[story] = "\n".join(self.stories[story].body)
        return _share_in(self.grams[heading], self.texts[story])


def _adjacent_body(units: list[_Unit], stories: dict[int, Article], u: int, step: int) -> int | None:
    v = u + step
    while 0 <= v < len(units) and units[v].kind == "byline":
        v += step
    return v if 0 <= v < len(units) and v in stories else None


def _neighbour_story(units: list[_Unit], stories: dict[int, Article], u: int) -> int | None:
    above = _adjacent_body(units, stories, u, -1)
    if above is not None and not units[above].opens_story:
        return above
    below = _adjacent_body(units, stories, u, +1)
    return below if below is not None else above
