"""The listing card: the product, its attributes in English and 中文, and the visible label (显式标识).

The label is a band across the top of the product picture, "AI生成 · AI-generated" for a generated product and
"AI修复 · AI-restored" for a restored photo, in the card's largest type after the title: the Measures ask for a
label a person notices at the place the image is shown. The text uses a CJK font when the machine has one
(``CJK_FONTS``, looked up through matplotlib's font list); without one, the card is drawn in English only and says
so in the listing's JSON (``visible_label_languages``).
"""

from __future__ import annotations

from functools import lru_cache

import torch
from matplotlib import font_manager
from PIL import Image, ImageDraw, ImageFont

from .request import NAMES_ZH, value_word

CJK_FONTS = ("WenQuanYi Micro Hei", "Noto Sans CJK SC", "Source Han Sans SC", "SimHei", "Microsoft YaHei",
             "PingFang SC", "Heiti SC")
SIDE, PICTURE, MARGIN = 360, 300, 30  # card width, product picture side, margin (pixels)
MARKS = {"generated": ("AI生成 · AI-generated", "AI-generated"), "restored": ("AI修复 · AI-restored", "AI-restored")}


@lru_cache(maxsize=1)
def font_path() -> tuple[str, bool]:
    """(a font file, whether it draws Chinese): the first CJK font installed, else matplotlib's DejaVu Sans."""
    for family in CJK_FONTS:
        try:
            return font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False), True
        except ValueError:
            continue
    return font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans")), False


def product_picture(image: torch.Tensor) -> Image.Image:
    """One product (3, 28, 28) in [-1, 1] -> a PICTURE x PICTURE RGB picture (Lanczos upscaling)."""
    array = image.add(1).mul(127.5).round().clamp(0, 255).to(torch.uint8).permute(1, 2, 0).numpy()
    return Image.fromarray(array, "RGB").resize((PICTURE, PICTURE), Image.LANCZOS)


def attribute_lines(attributes: dict, chinese: bool) -> list[str]:
    """'colour 颜色: red 红色' per attribute ({name: value index}); English alone without a CJK font."""
    lines = []
    for name, value in attributes.items():
        en = value_word(name, value, "en")
        lines.append(f"{name} {NAMES_ZH[name]}: {en} {value_word(name, value, 'zh')}" if chinese else f"{name}: {en}")
    return lines


def listing_card(image: torch.Tensor, attributes: dict, kind: str = "generated") -> tuple[Image.Image, list[str]]:
    """(the card, the languages of its visible label). image: (3, 28, 28) in [-1, 1]; attributes: {name: value
    index}, the category first; kind: 'generated' or 'restored'."""
    path, chinese = font_path()
    lines = attribute_lines(attributes, chinese)
    height = MARGIN * 2 + PICTURE + 48 + 22 * len(lines)
    card = Image.new("RGB", (SIDE, height), "white")
    card.paste(product_picture(image), (MARGIN, MARGIN))
    draw = ImageDraw.Draw(card)
    mark = MARKS[kind][0 if chinese else 1]
    band = ImageFont.truetype(path, 18)
    draw.rectangle((MARGIN, MARGIN, MARGIN + PICTURE, MARGIN + 28), fill=(20, 20, 20))
    draw.text((MARGIN + 8, MARGIN + 4), mark, font=band, fill="white")
    title = " ".join(value_word(n, attributes[n], "zh" if chinese else "en") for n in (*attributes,)[1:]) + \
        ("" if chinese else " ") + value_word("category", attributes["category"], "zh" if chinese else "en")
    draw.text((MARGIN, MARGIN + PICTURE + 10), title, font=ImageFont.truetype(path, 22), fill="black")
    small = ImageFont.truetype(path, 15)
    for i, line in enumerate(lines):
        draw.text((MARGIN, MARGIN + PICTURE + 48 + 22 * i), line, font=small, fill=(60, 60, 60))
    return card, (["zh", "en"] if chinese else ["en"])
