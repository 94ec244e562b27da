"""Bilingual captions built from a product's category and measured attributes (English and 中文).

A caption names the category and a random subset of the attributes (each mentioned with probability
``MENTION``), in one of several templates and word orders, with one of several synonyms per value:
"a red, wide dress", "dress — dark blue, loose fit", "红色宽松连衣裙", "一双浅色的蓝色短靴".

Two splits of the *phrasing* (not of the images):

- ``seen``: the templates and synonyms the text encoder trains on;
- ``held_out``: other templates (new word orders and connectors) and other synonyms, never in a training
  caption. Their words are built from tokens the encoder knows ("pale" is in "pale-coloured", 浅 in 浅色),
  so a drop in retrieval on them measures generalisation to a phrasing, not the unknown-word rate.

``mentions`` says which attributes a caption names: an unnamed attribute is free (a "red dress" may be any
tone), which is what the contrastive targets and the evaluation of generated images use.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..categories import CLASS_NAMES
from .attributes import VALUES

ATTRIBUTES = tuple(VALUES)  # colour, tone, width, pattern
MENTION = 0.6
SPLITS = ("seen", "held_out")
LANGUAGES = ("en", "zh")

# attribute -> value -> (seen synonyms, held-out synonyms); English then Chinese
WORDS_EN = {
    "colour": {c: ((c,), ()) for c in VALUES["colour"]},
    "tone": {"dark": (("dark", "deep-coloured"), ("deep",)), "medium": (("medium", "mid-tone"), ("medium-tone",)),
             "light": (("light", "pale-coloured"), ("pale",))},
    "width": {"narrow": (("narrow", "slim fit"), ("slim",)), "regular": (("regular", "standard fit"), ("standard",)),
              "wide": (("wide", "loose fit"), ("loose",))},
    "pattern": {"plain": (("plain", "solid-colour"), ("solid",)),
                "patterned": (("patterned", "all-over print"), ("print",))},
}
WORDS_ZH = {
    "colour": {"red": (("红色",), ("红",)), "orange": (("橙色",), ("橙",)), "yellow": (("黄色",), ("黄",)),
               "green": (("绿色",), ("绿",)), "blue": (("蓝色",), ("蓝",)), "purple": (("紫色",), ("紫",)),
               "pink": (("粉色",), ("粉",)), "black": (("黑色",), ("黑",))},
    "tone": {"dark": (("深色", "深色调"), ("深",)), "medium": (("中等色", "中色调"), ("中等",)),
             "light": (("浅色", "浅色调"), ("浅",))},
    "width": {"narrow": (("修身", "窄版"), ("窄",)), "regular": (("常规", "标准版"), ("标准",)),
              "wide": (("宽松", "宽版"), ("宽",))},
    "pattern": {"plain": (("纯色", "素色"), ("素",)), "patterned": (("花纹", "印花"), ("花",))},
}
CATEGORY_EN = (("t-shirt", "top"), ("trousers", "pants"), ("pullover", "sweater"), ("dress",), ("coat", "jacket"),
               ("sandal",), ("shirt", "blouse"), ("sneaker", "trainer"), ("bag", "handbag"), ("ankle boot", "boot"))
CATEGORY_ZH = (("T恤", "上衣"), ("裤子", "长裤"), ("套头衫", "毛衣"), ("连衣裙", "裙子"), ("外套", "大衣"),
               ("凉鞋",), ("衬衫",), ("运动鞋",), ("包", "手提包"), ("短靴", "靴子"))
MEASURE_ZH = ("件", "条", "件", "条", "件", "双", "件", "双", "个", "双")  # 一件T恤, 一条裤子, 一双短靴


PLURAL_EN = frozenset({"trousers", "pants"})


def article(noun: str, first: str) -> str:
    """The English article before ``first`` (the next word) in a phrase about ``noun``, with its space:
    none for a plural noun ("wide trousers"), "an " before a vowel ("an orange dress"), else "a "."""
    if noun in PLURAL_EN:
        return ""
    return "an " if first[0] in "aeiou" else "a "


def template_en(index: int, noun: str, words: list[str]) -> str:
    """English templates; 0-3 are seen in training, 4-5 held out."""
    if not words:
        a = article(noun, noun)
        return (f"{a}{noun}", f"{noun}", f"{a}{noun}", f"{noun}", f"looking for {a}{noun}", f"{noun}, please")[index]
    listed = ", ".join(words)
    a, a_noun = article(noun, words[0]), article(noun, noun)
    return (f"{a}{' '.join(words)} {noun}", f"{noun} — {listed}", f"{a}{listed} {noun}", f"{noun} in {listed}",
            f"looking for {a_noun}{noun}, {' and '.join(words)}", f"{' '.join(words)} {noun}, please")[index]


def template_zh(index: int, noun: str, words: list[str], measure: str) -> str:
    """Chinese templates; 0-3 are seen in training, 4-5 held out."""
    joined, listed = "".join(words), "，".join(words)
    if not words:
        return (noun, f"一{measure}{noun}", noun, f"一{measure}{noun}", f"想要一{measure}{noun}", f"求购{noun}")[index]
    return (f"{joined}{noun}", f"一{measure}{'的'.join(words)}的{noun}", f"{noun}，{listed}", f"{listed}的{noun}",
            f"想要一{measure}{noun}，要{listed}", f"求购{joined}款{noun}")[index]


TEMPLATES = {"seen": (0, 1, 2, 3), "held_out": (4, 5)}


@dataclass(frozen=True)
class Caption:
    """One caption: its text, language, and the attributes it names (attribute -> value index)."""

    text: str
    language: str
    category: int
    mentioned: dict


def caption(category: int, attributes: dict[str, int], rng: random.Random, split: str = "seen",
            language: str = "en", mention: float = MENTION) -> Caption:
    """A random caption of one product. attributes: attribute -> value index (``attributes.measure``)."""
    if split not in SPLITS or language not in LANGUAGES:
        raise ValueError(f"split must be one of {SPLITS} and language one of {LANGUAGES}, got {split!r}, "
                         f"{language!r}.")
    held = split == "held_out"
    names = [a for a in ATTRIBUTES if rng.random() < mention]
    rng.shuffle(names)
    table = WORDS_ZH if language == "zh" else WORDS_EN
    words = []
    for name in names:
        seen, other = table[name][VALUES[name][attributes[name]]]
        words.append(rng.choice(other if held and other else seen))
    nouns = (CATEGORY_ZH if language == "zh" else CATEGORY_EN)[category]
    noun, index = rng.choice(nouns), rng.choice(TEMPLATES[split])
    text = (template_zh(index, noun, words, MEASURE_ZH[category]) if language == "zh"
            else template_en(index, noun, words))
    return Caption(text, language, category, {name: attributes[name] for name in names})


def captions_for(labels, attributes: dict, seed: int, split: str = "seen", language: str = "en",
                 mention: float = MENTION) -> list[Caption]:
    """One caption per image: labels (N,), attributes: name -> (N,) value indices (tensors or lists)."""
    rng = random.Random(seed)
    rows = [{name: int(attributes[name][i]) for name in ATTRIBUTES} for i in range(len(labels))]
    return [caption(int(label), row, rng, split, language, mention) for label, row in zip(labels, rows)]


def training_corpus(seed: int = 0, per_product: int = 2) -> list[str]:
    """Every seen caption phrasing the tokenizer learns its vocabulary from: all categories, values and
    templates in both languages (``per_product`` random captions per combination)."""
    rng = random.Random(seed)
    texts = []
    for category in range(len(CLASS_NAMES)):
        for value in range(len(VALUES["colour"])):
            for language in LANGUAGES:
                for _ in range(per_product * 6):
                    row = {name: rng.randrange(len(VALUES[name])) for name in ATTRIBUTES}
                    row["colour"] = value
                    texts.append(caption(category, row, rng, "seen", language, mention=0.8).text)
    return texts
