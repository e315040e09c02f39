#!/usr/bin/python3
"""Writes the bitmap font pixelgrad draws chart labels with (vis/src/main/resources/io/pixelgrad/vis/render/font-7x13.txt).

Labels are drawn from this fixed bitmap rather than with Java2D's fonts so that charts look the same, pixel for
pixel, on every machine (and need no system fonts: a bare CI machine has none). The glyphs are DejaVu Sans Mono at
11 pixels, rendered without antialiasing by PIL; DejaVu's licence (Bitstream Vera terms) allows this.

Rerun from the repository root (needs Debian's fonts-dejavu-core and python3-pil):

    /usr/bin/python3 vis/src/main/python/make_bitmap_font.py
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 7, 13
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
OUT = Path(__file__).resolve().parents[1] / "resources" / "io" / "pixelgrad" / "vis" / "render" / "font-7x13.txt"


def main():
    font = ImageFont.truetype(FONT, 11)
    lines = [f"# pixelgrad bitmap font: {WIDTH}x{HEIGHT} cells, DejaVu Sans Mono 11 px (Bitstream Vera licence terms).",
             "# One glyph per line: the character code, then one hex number per row (bit 6 = leftmost pixel).",
             "# Written by vis/src/main/python/make_bitmap_font.py."]
    for code in range(32, 127):
        img = Image.new("1", (WIDTH, HEIGHT), 0)
        draw = ImageDraw.Draw(img)
        draw.fontmode = "1"
        draw.text((0, 0), chr(code), font=font, fill=1)
        rows = []
        for y in range(HEIGHT):
            bits = 0
            for x in range(WIDTH):
                bits = bits << 1 | (1 if img.getpixel((x, y)) else 0)
            rows.append(f"{bits:02x}")
        lines.append(f"{code} " + " ".join(rows))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
