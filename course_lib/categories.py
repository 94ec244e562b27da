"""The catalog's ten categories (names in English and Chinese) and keyword matching of short descriptions.

``match_description("红色连衣裙")`` finds the keyword 连衣裙 and answers Dress. It is plain keyword
matching, not language understanding: it knows a fixed list of words per category (``KEYWORDS``),
ignores everything else ("red" is not a colour the model knows), and picks the keyword that starts
first in the text (the longest one when several start at the same place, so "t-shirt" beats "shirt").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CLASS_NAMES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)
CLASS_NAMES_ZH = ("T恤/上衣", "裤子", "套头衫", "连衣裙", "外套", "凉鞋", "衬衫", "运动鞋", "包", "短靴")
NUM_CLASSES = len(CLASS_NAMES)

# English words match whole words (plural -s/-es allowed; "t-shirt" also matches "t shirt");
# Chinese words match anywhere in the text.
KEYWORDS: dict[int, tuple[str, ...]] = {
    0: ("t-shirt", "tshirt", "tee", "top", "tank top", "T恤", "t恤", "上衣", "短袖", "背心"),
    1: ("trouser", "pants", "jeans", "slacks", "leggings", "裤子", "长裤", "牛仔裤", "裤"),
    2: ("pullover", "sweater", "jumper", "hoodie", "sweatshirt", "knitwear", "套头衫", "毛衣", "卫衣", "针织衫"),
    3: ("dress", "gown", "frock", "skirt", "连衣裙", "裙子", "长裙", "短裙", "裙"),
    4: ("coat", "jacket", "parka", "overcoat", "blazer", "anorak", "外套", "大衣", "夹克", "风衣"),
    5: ("sandal", "flip-flop", "slipper", "凉鞋", "拖鞋"),
    6: ("shirt", "blouse", "button-down", "衬衫", "衬衣"),
    7: ("sneaker", "trainer", "running shoe", "sports shoe", "tennis shoe", "运动鞋", "球鞋", "跑鞋", "跑步鞋"),
    8: ("bag", "handbag", "purse", "backpack", "tote", "satchel", "手提包", "背包", "钱包", "包"),
    9: ("ankle boot", "boot", "bootie", "短靴", "靴子", "靴"),
}


@dataclass(frozen=True)
class DescriptionMatch:
    """The category a description was matched to, and the keyword that decided it."""

    label: int
    keyword: str
    text: str

    @property
    def name(self) -> str:
        return CLASS_NAMES[self.label]

    @property
    def name_zh(self) -> str:
        return CLASS_NAMES_ZH[self.label]

    def explain(self) -> str:
        return (f"keyword matching: found {self.keyword!r} in {self.text!r} -> {self.label} "
                f"{self.name} · {self.name_zh}")


def _is_chinese(keyword: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in keyword)


def _pattern(keyword: str) -> re.Pattern:
    if _is_chinese(keyword):
        return re.compile(re.escape(keyword.lower()))
    words = r"[\s-]+".join(re.escape(part) for part in re.split(r"[\s-]+", keyword.lower()))
    return re.compile(rf"(?<![a-z]){words}(?:e?s)?(?![a-z])")


PATTERNS = [(label, keyword, _pattern(keyword)) for label, words in KEYWORDS.items() for keyword in words]


def find_keywords(text: str) -> list[tuple[int, int, str]]:
    """Every keyword hit in ``text`` as (start, label, keyword), sorted by start, longest keyword first."""
    lowered = text.lower()
    hits = [(m.start(), -(m.end() - m.start()), label, keyword)
            for label, keyword, pattern in PATTERNS for m in pattern.finditer(lowered)]
    return [(start, label, keyword) for start, _, label, keyword in sorted(hits)]


def match_description(text: str) -> DescriptionMatch | None:
    """The category of a short English or Chinese description, or None when no keyword occurs.

    "ankle boot" -> 9 Ankle boot; "红色连衣裙" -> 3 Dress; "a red hat" -> None.
    """
    if not isinstance(text, str):
        raise TypeError(f"a description must be a string, got {type(text).__name__}.")
    hits = find_keywords(text)
    if not hits:
        return None
    _, label, keyword = hits[0]
    return DescriptionMatch(label, keyword, text)


def category_index(value: str | int) -> int:
    """A category given by index (3, "3") or by name, English or Chinese, any case ("dress", "连衣裙").

    Raises ValueError listing the valid names for anything else.
    """
    text = str(value).strip()
    if re.fullmatch(r"-?\d+", text):
        index = int(text)
        if 0 <= index < NUM_CLASSES:
            return index
    else:
        for index, (en, zh) in enumerate(zip(CLASS_NAMES, CLASS_NAMES_ZH)):
            if text.lower() in (en.lower(), zh.lower()):
                return index
    names = ", ".join(f"{k} {en!r}/{zh}" for k, (en, zh) in enumerate(zip(CLASS_NAMES, CLASS_NAMES_ZH)))
    raise ValueError(f"unknown category {value!r}: give an index 0-{NUM_CLASSES - 1} or a name, one of {names}.")
