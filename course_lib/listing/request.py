"""What a request asks for, and the same request with one attribute word changed ("edit by re-describing").

``read_request(model, text)`` checks the prompt with the text-to-image model's own check
(``text2img.prompts.check_prompt``) and refuses what a listing cannot be made from: an empty prompt, one of
unknown words only, one that names no category, and a contradictory one ("dark light dress"). ``parse_change``
reads ``--change "colour=blue"`` (or ``颜色=蓝色``), and ``redescribe`` rewrites the prompt with that one value
changed: the word naming the attribute is replaced in place (in the prompt's own language), or added before the
category noun when the prompt did not name the attribute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text2img.attributes import VALUES, VALUES_ZH
from ..text2img.captions import CATEGORY_EN, CATEGORY_ZH, WORDS_EN, WORDS_ZH
from ..text2img.prompts import PromptCheck, PromptError, find_phrases

ATTRIBUTES = ("category", *VALUES)  # category, colour, tone, width, pattern
NAMES_ZH = {"category": "品类", "colour": "颜色", "tone": "色调", "width": "版型", "pattern": "图案"}


class RequestError(ValueError):
    """A request a listing cannot be made from; the message says what to write instead."""


@dataclass(frozen=True)
class Request:
    """text: the prompt; asked: attribute -> value index (category included); language: 'en' or 'zh' (the
    prompt's, 'zh' when it has any Chinese); notes: the prompt check's notes (unknown words, ...)."""

    text: str
    asked: dict
    language: str
    notes: tuple


def value_word(attribute: str, value: int, language: str = "en") -> str:
    """The first word for a value: ('colour', 0, 'zh') -> '红色', ('category', 3) -> 'dress'."""
    if attribute == "category":
        return (CATEGORY_ZH if language == "zh" else CATEGORY_EN)[value][0]
    return (VALUES_ZH if language == "zh" else VALUES)[attribute][value]


def read_request(model, text: str) -> Request:
    """The checked request; RequestError for an empty, unknown-only, category-less or contradictory prompt."""
    try:
        check: PromptCheck = model.check(text)
    except PromptError as err:
        raise RequestError(str(err)) from None
    if check.ambiguous:
        named = "; ".join(f"{name}: {' and '.join(map(repr, values))}" for name, values in check.ambiguous.items())
        raise RequestError(f"the prompt {text!r} contradicts itself ({named}); a listing states one value per "
                           "attribute: keep one of them.")
    if "category" not in check.parsed:
        raise RequestError(f"the prompt {text!r} names no product the model knows; name one of "
                           f"{', '.join(words[0] for words in CATEGORY_EN)} (or 中文: "
                           f"{'、'.join(words[0] for words in CATEGORY_ZH)}).")
    return Request(text, dict(check.parsed), "zh" if "zh" in check.languages else "en", check.notes)


def lookup_value(attribute: str, word: str) -> int:
    """The value index of ``word`` (English or 中文, any synonym) for ``attribute``; RequestError otherwise."""
    word = word.strip().lower()
    if attribute == "category":
        for index, (en, zh) in enumerate(zip(CATEGORY_EN, CATEGORY_ZH)):
            if word in en or word in zh:
                return index
        known = ", ".join(words[0] for words in CATEGORY_EN)
    else:
        for table in (WORDS_EN, WORDS_ZH):
            for value, (seen, held) in table[attribute].items():
                if word in (*seen, *held, value):
                    return VALUES[attribute].index(value)
        known = ", ".join(VALUES[attribute]) + " / " + "、".join(VALUES_ZH[attribute])
    raise RequestError(f"{word!r} is not a {attribute} the model knows; known: {known}.")


def parse_change(change: str) -> tuple[str, int]:
    """'colour=blue' or '颜色=蓝色' -> ('colour', index of blue); RequestError naming what is known otherwise."""
    if not isinstance(change, str) or change.count("=") != 1:
        raise RequestError(f"--change takes ATTRIBUTE=VALUE, e.g. colour=blue or 颜色=蓝色; got {change!r}.")
    name, word = (part.strip() for part in change.split("="))
    attribute = next((a for a in ATTRIBUTES if name.lower() in (a, NAMES_ZH[a]) or (a == "colour" and
                      name.lower() == "color")), None)
    if attribute is None:
        raise RequestError(f"--change names the attribute {name!r}, which the model does not know; known: "
                           f"{', '.join(ATTRIBUTES)} (中文: {'、'.join(NAMES_ZH.values())}).")
    return attribute, lookup_value(attribute, word)


def redescribe(request: Request, attribute: str, value: int) -> str:
    """The request's prompt with ``attribute`` set to ``value``: the word naming it replaced, or the new word added
    before the category noun. The rest of the prompt is kept word for word."""
    word = value_word(attribute, value, request.language)
    phrases = find_phrases(request.text)
    named = [phrase for phrase, name, _ in phrases if name == attribute]
    if named:
        return fix_articles(replace_phrase(request.text, named[0], word))
    noun = next(phrase for phrase, name, _ in phrases if name == "category")
    joined = f"{word}{noun}" if request.language == "zh" else f"{word} {noun}"
    return fix_articles(replace_phrase(request.text, noun, joined))


def fix_articles(text: str) -> str:
    """English articles that agree with the next word: 'a orange dress' -> 'an orange dress'."""
    def agree(match: re.Match) -> str:
        article = "an" if match.group(2)[0].lower() in "aeiou" else "a"
        return (article.capitalize() if match.group(1)[0].isupper() else article) + " " + match.group(2)

    return re.sub(r"\b([Aa]n?) ([A-Za-z]+)", agree, text)


def replace_phrase(text: str, phrase: str, new: str) -> str:
    """``text`` with its first occurrence of ``phrase`` (case-insensitive, a whole word in English) made ``new``."""
    if re.search(r"[\u4e00-\u9fff]", phrase):
        pattern = re.escape(phrase)
    else:
        pattern = rf"(?<![A-Za-z]){re.escape(phrase)}(?![A-Za-z])"
    return re.sub(pattern, new, text, count=1, flags=re.IGNORECASE)
