"""`qingyang ocr IMAGE... [--output DIR]`: page images to PaddleOCR-style JSON, once.

OCR is the slow step (seconds a page): the JSON it writes (`NAME.paddle.json`, beside the
image or in DIR) is read by `qingyang run` and `qingyang clean` like any engine's file, so
a page is recognised once and cleaned as often as the rules change. Part of the CLI.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from qingyang.exitcodes import Exit

EXIT_OK, EXIT_FAILED = Exit.OK, Exit.FAILED


def ocr_command(images: list[str], output_dir: str | None) -> int:
    from readers import OcrFormatError
    from readers.image import page_to_paddle_json, read_image

    status = EXIT_OK
    for name in images:
        image = Path(name)
        folder = Path(output_dir) if output_dir else image.parent
        target = folder / f"{image.stem}.paddle.json"
        try:
            page = read_image(str(image))
        except OcrFormatError as err:
            print(f"qingyang: {err}", file=sys.stderr)
            status = EXIT_FAILED
            continue
        folder.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".json.tmp")
        partial.write_text(json.dumps(page_to_paddle_json(page), ensure_ascii=False, indent=1),
                           encoding="utf-8")
        partial.replace(target)  # written whole, then renamed: never half a file
        print(f"{image} -> {target} ({len(page.lines)} lines)")
    return status
