"""ebook_cover: the cover of a week's e-book, drawn by the build as a PNG (the kind of
image readers' libraries show most reliably): the course's name on a band in the
reflection cards' hue, the week's title beneath it, the authors at the foot.

The text is set in the font Pillow bundles (``ImageFont.load_default``, Aileron Regular),
so the build needs no font of the system's, and the same words give the same bytes
everywhere the locked Pillow runs. That font has basic Latin letters only: a letter it
lacks is drawn as its base letter (é as e), a dash as a hyphen."""

from __future__ import annotations

import io
import unicodedata
from functools import cache

from PIL import Image, ImageDraw, ImageFont

FILENAME = "cover.png"
# 1000 × 1600: the proportions e-book shops ask of a cover, large enough for a library's
# shelf and quick to draw (a clean build draws one per week).
WIDTH, HEIGHT = 1000, 1600
MARGIN = 88
PAPER = "#f7f5f0"
BAND = "#146762"  # the reflection cards' accent on a light page; white on it is 6.6:1
INK = "#1f2328"
QUIET_INK = "#4a5160"


@cache
def font(size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size)  # type: ignore[return-value]


def glyph(size: int, character: str) -> bytes:
    image = Image.new("L", (2 * size, 2 * size))
    ImageDraw.Draw(image).text((0, 0), character, font=font(size), fill=255)
    return image.tobytes()


def drawable(text: str, size: int) -> str:
    """``text`` with each character the font lacks (drawn as its empty box) replaced by
    its base letter, or a dash by a hyphen."""
    missing = glyph(size, "\U0010fffd")
    plain = []
    for character in text:
        if character.isspace() or glyph(size, character) != missing:
            plain.append(character)
        elif unicodedata.category(character) == "Pd":
            plain.append("-")
        else:
            base = unicodedata.normalize("NFKD", character)
            plain.append("".join(part for part in base if not unicodedata.combining(part)))
    return "".join(plain)


def lines_of(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """The words of ``text`` in lines no wider than ``width``."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return lines


def write(draw: ImageDraw.ImageDraw, top: int, text: str, size: int, fill: str) -> int:
    """``text`` from ``top`` down, wrapped within the margins; where it ends."""
    for line in lines_of(drawable(text, size), font(size), WIDTH - 2 * MARGIN):
        draw.text((MARGIN, top), line, font=font(size), fill=fill)
        top += round(size * 1.25)
    return top


def draw(course: str, week: str, week_title: str, authors: str) -> bytes:
    """The cover's PNG bytes. ``week`` is the week's name ("Week 7"); where its page's
    title begins with it ("Week 7 – Safe Connections"), the rest goes on a line of its own."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    canvas = ImageDraw.Draw(image)
    band_end = HEIGHT * 2 // 5
    canvas.rectangle((0, 0, WIDTH, band_end), fill=BAND)
    write(canvas, band_end - 2 * MARGIN - 94, course, 94, "#ffffff")
    theme = week_title.removeprefix(week).lstrip(" :–—-") if week_title.startswith(week) else week_title
    top = write(canvas, band_end + MARGIN, week, 75, INK) if theme != week_title else band_end + MARGIN
    write(canvas, top, theme, 75, INK)
    write(canvas, HEIGHT - MARGIN - 38, authors, 38, QUIET_INK)
    data = io.BytesIO()
    image.save(data, "PNG")
    return data.getvalue()
