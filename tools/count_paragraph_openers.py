"""How often a sentence that opens as `cleaners.lines.PARAGRAPH_OPENER` does opens its
paragraph in the gold pages, against sentences at large (the evidence for that rule).

    .venv/bin/python tools/count_paragraph_openers.py   # every gold page but unscored held-out splits

Body paragraphs only (30 characters or more, with a comma); a sentence ends at `。！？`,
with a closing quote after it. Pass `--all` to count the sixth set's held-out split too.
"""

import sys
from pathlib import Path

import regex

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaners.lines import PARAGRAPH_OPENER  # noqa: E402

# A sentence's end: `。`, `！` or `？`, and a closing quote right after it.
SENTENCE_BREAK = regex.compile(r"(?<=[。！？]”?)")
# Held-out splits nobody has scored yet: not counted unless asked (the rule may not learn them).
UNSCORED = ("eval_sixth/heldout",)


def main() -> int:
    golds = [p for p in sorted((ROOT / "tests").rglob("*.gold.txt"))
             if "--all" in sys.argv or not any(part in str(p) for part in UNSCORED)]
    counts = {"opener": [0, 0], "any": [0, 0]}  # [opens its paragraph, inside it]
    for path in golds:
        for paragraph in path.read_text(encoding="utf-8").splitlines():
            paragraph = paragraph.strip()
            if len(paragraph) < 30 or "，" not in paragraph:
                continue
            sentences = [s for s in SENTENCE_BREAK.split(paragraph) if s]
            for k, sentence in enumerate(sentences):
                inside = int(k > 0)
                counts["any"][inside] += 1
                if PARAGRAPH_OPENER.match(sentence):
                    counts["opener"][inside] += 1
    for name, (opens, inside) in counts.items():
        print(f"{name:6s} opens its paragraph {opens:5d}, inside one {inside:5d}: "
              f"{opens / max(opens + inside, 1):.2f} open one ({len(golds)} gold pages)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
