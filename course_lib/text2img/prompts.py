"""What a prompt says, before the encoder reads it: unknown words, attributes named, contradictions, languages.

``check_prompt`` never guesses silently. An empty prompt, or one with no word the tokenizer knows, is a
``PromptError`` with what to write instead. Everything else is read, with notes: the unknown words (and some
known ones), the words cut off past the encoder's length, attributes named twice with different values
("dark light dress": the tone is ambiguous, the encoder gets both words and no rule picks one), and a mix of
English and 中文. ``parsed`` is the course's own lexicon (``captions.WORDS_*``), longest phrase first: it is
what the prompt names, which the evaluation checks the samples against; the generator never sees it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from tokenizers import Tokenizer

from .attributes import VALUES
from .captions import CATEGORY_EN, CATEGORY_ZH, WORDS_EN, WORDS_ZH
from .tokenizer import MAX_TOKENS, encode, unknown_words

KNOWN_EXAMPLES = ("red", "blue", "dark", "light", "wide", "slim fit", "patterned", "dress", "ankle boot",
                  "红色", "蓝色", "深色", "浅色", "宽松", "修身", "花纹", "连衣裙", "短靴")


class PromptError(ValueError):
    """A prompt the model cannot use at all; the message says what to write instead."""


@dataclass(frozen=True)
class PromptCheck:
    """text; parsed: attribute -> value index ('category' too); ambiguous: attribute -> [value names];
    unknown / truncated: pieces; languages: subset of ('en', 'zh'); notes: sentences for the user."""

    text: str
    parsed: dict
    ambiguous: dict
    unknown: tuple
    truncated: tuple
    languages: tuple
    notes: tuple


@lru_cache(maxsize=1)
def lexicon() -> tuple[tuple[str, str, int, str], ...]:
    """(phrase, attribute, value index, language) for every synonym, longest phrase first."""
    rows = []
    for language, table, nouns in (("en", WORDS_EN, CATEGORY_EN), ("zh", WORDS_ZH, CATEGORY_ZH)):
        for name, values in table.items():
            for value, (seen, held) in values.items():
                rows += [(w, name, VALUES[name].index(value), language) for w in seen + held]
        rows += [(w, "category", k, language) for k, words in enumerate(nouns) for w in words]
    return tuple(sorted(rows, key=lambda row: -len(row[0])))  # built once per process


def find_phrases(text: str) -> list[tuple[str, str, int]]:
    """(phrase, attribute, value) named in ``text``: English as whole words, Chinese anywhere; each character
    of the text is used by one phrase at most (the longest), so 'ankle boot' is not also 'boot'."""
    lowered, free, found = text.lower(), [True] * len(text), []
    for phrase, name, value, language in lexicon():
        word = re.escape(phrase.lower())
        pattern = word if language == "zh" else rf"(?<![a-z]){word}s?(?![a-z])"
        for match in re.finditer(pattern, lowered):
            if all(free[match.start():match.end()]):
                free[match.start():match.end()] = [False] * (match.end() - match.start())
                found.append((phrase, name, value))
    return found


def value_name(name: str, value: int) -> str:
    """'dark' for ('tone', 0); 'dress' for ('category', 3)."""
    return CATEGORY_EN[value][0] if name == "category" else VALUES[name][value]


def languages_of(text: str) -> tuple[str, ...]:
    """('en',), ('zh',) or ('en', 'zh') by the letters and CJK characters present."""
    out = ("en",) if re.search(r"[A-Za-z]", text) else ()
    return out + (("zh",) if re.search(r"[\u4e00-\u9fff]", text) else ())


def check_prompt(tokenizer: Tokenizer, text: str, max_tokens: int = MAX_TOKENS) -> PromptCheck:
    """The prompt's check; PromptError for an empty prompt or one of unknown words only."""
    if not isinstance(text, str) or not text.strip():
        raise PromptError(f"the prompt is empty; describe a product, e.g. 'a red dress', '一双浅色的蓝色短靴' "
                          f"(known words include {', '.join(KNOWN_EXAMPLES)}).")
    unknown = tuple(unknown_words(tokenizer, text))
    tokens = encode(tokenizer, [text], max_tokens)
    known = int(((tokens.ids > 1) & tokens.mask).sum())
    if known == 0:
        raise PromptError(f"none of the words of {text!r} are known to this model (unknown words: "
                          f"{', '.join(unknown) or text}); known words include {', '.join(KNOWN_EXAMPLES)}.")
    parsed, ambiguous = {}, {}
    for _, name, value in find_phrases(text):
        if name in parsed and parsed[name] != value:
            ambiguous.setdefault(name, [value_name(name, parsed[name])]).append(value_name(name, value))
        parsed.setdefault(name, value)
    notes = []
    if unknown:
        notes.append(f"unknown words: {', '.join(unknown)} (read as [UNK], which carries no meaning); known words "
                     f"include {', '.join(KNOWN_EXAMPLES[:8])}.")
    if tokens.truncated:
        notes.append(f"the prompt is longer than the encoder's {max_tokens} tokens; ignored: "
                     f"{' '.join(tokens.truncated)}.")
    for name, values in ambiguous.items():
        notes.append(f"the {name} is ambiguous: {' and '.join(repr(v) for v in values)} are both named; the "
                     "encoder reads both and no rule picks one, so the samples may show either (see the tagger).")
    langs = languages_of(text)
    if len(langs) == 2:
        notes.append("the prompt mixes English and 中文; the encoder was trained on one language per caption, but "
                     "it reads both (the words of each language it knows still count).")
    return PromptCheck(text, {k: parsed[k] for k in parsed if k not in ambiguous}, ambiguous, unknown,
                       tokens.truncated, langs, tuple(notes))
