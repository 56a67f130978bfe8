"""Contact sheets of every page of every PDF in a build folder, as PNG thumbnails (`make preview`)."""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

RESOLUTION = 30  # dots per inch: an A4 page becomes about 100 x 140 pixels
PAGES_PER_ROW = 12
GAP = 8
LABEL = 18
BACKGROUND = (236, 239, 241)


def pages(pdf: Path, scratch: Path) -> list[Image.Image]:
    """Every page of `pdf` as a thumbnail, in page order.

    Drawn from a copy without the PDF/A output intent: with one, poppler works out that sRGB profile's colour
    transform again on every page, most of its time here, and the thumbnails look the same without it. A PDF
    without one, or one pikepdf cannot read, is drawn as it is."""
    from agreement.review.textconv import without_output_intent  # as the git diff driver reads PDFs

    prefix = scratch / pdf.stem
    plain = without_output_intent(pdf)
    source = "-" if plain is not None else str(pdf)  # "-": the copy, on pdftoppm's standard input
    subprocess.run(["pdftoppm", "-r", str(RESOLUTION), "-png", source, str(prefix)], input=plain, check=True,
                   capture_output=True)

    def number(path: Path) -> int:
        found = re.search(r"-(\d+)\.png$", path.name)
        return int(found.group(1)) if found else 0

    files = sorted(scratch.glob(f"{pdf.stem}-*.png"), key=number)
    return [Image.open(p).convert("RGB") for p in files]


def sheet(title: str, thumbs: list[Image.Image]) -> Image.Image:
    """One document: its name above its pages, PAGES_PER_ROW to a row, each page with a frame."""
    width = max(t.width for t in thumbs)
    height = max(t.height for t in thumbs)
    columns = min(len(thumbs), PAGES_PER_ROW)
    rows = -(-len(thumbs) // PAGES_PER_ROW)
    image = Image.new("RGB", (GAP + columns * (width + GAP), LABEL + GAP + rows * (height + GAP)), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((GAP, 4), f"{title} ({len(thumbs)} {'side' if len(thumbs) == 1 else 'sider'})", fill=(0, 0, 0),
              font=ImageFont.load_default())
    for i, thumb in enumerate(thumbs):
        x = GAP + (i % PAGES_PER_ROW) * (width + GAP)
        y = LABEL + GAP + (i // PAGES_PER_ROW) * (height + GAP)
        image.paste(thumb, (x, y))
        draw.rectangle((x - 1, y - 1, x + thumb.width, y + thumb.height), outline=(120, 120, 120))
    return image


def stack(sheets: list[Image.Image]) -> Image.Image:
    """Every document's sheet, one under the other."""
    image = Image.new("RGB", (max(s.width for s in sheets), sum(s.height for s in sheets)), BACKGROUND)
    y = 0
    for s in sheets:
        image.paste(s, (0, y))
        y += s.height
    return image


def ordered(build: Path) -> list[Path]:
    """The PDFs of `build` in the order of its manifest.json (the order of the set), any others after them."""
    found = sorted(build.glob("*.pdf"))
    try:
        documents = json.loads((build / "manifest.json").read_text(encoding="utf-8"))["documents"]
        listed = [build / d["files"]["pdf"] for d in documents if "pdf" in d.get("files", {})]
    except (OSError, ValueError, KeyError, TypeError):
        listed = []
    first = [p for p in listed if p in found]
    return first + [p for p in found if p not in first]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("build", type=Path, help="the build folder holding the PDFs")
    parser.add_argument("out", type=Path, help="the folder for the PNG files (made if missing)")
    args = parser.parse_args(argv)
    if shutil.which("pdftoppm") is None:
        print("pdftoppm is missing; install poppler-utils (make system-packages does)", file=sys.stderr)
        return 1
    pdfs = ordered(args.build)
    if not pdfs:
        print(f"no PDF in {args.build}; run 'make build' first", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    sheets = []
    with tempfile.TemporaryDirectory() as scratch:
        for pdf in pdfs:
            document = sheet(pdf.stem, pages(pdf, Path(scratch)))
            document.save(args.out / f"{pdf.stem}.png")
            sheets.append(document)
    stack(sheets).save(args.out / "contact-sheet.png")
    print(f"wrote {len(pdfs) + 1} contact sheet(s) to {args.out}; open {args.out / 'contact-sheet.png'} for the whole set")
    return 0


if __name__ == "__main__":
    sys.exit(main())
