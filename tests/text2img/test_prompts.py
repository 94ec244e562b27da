"""course_lib.text2img.prompts: every bad prompt gets a clear message; what a prompt names is parsed."""

import pytest

from course_lib.text2img.captions import training_corpus
from course_lib.text2img.prompts import PromptError, check_prompt, find_phrases
from course_lib.text2img.tokenizer import train_tokenizer

TOKENIZER = train_tokenizer(training_corpus())


def test_empty_and_unknown_only_prompts_are_refused():
    with pytest.raises(PromptError, match="empty"):
        check_prompt(TOKENIZER, "   ")
    with pytest.raises(PromptError, match="unknown words: crimson, gown.*known words include"):
        check_prompt(TOKENIZER, "crimson gown")


def test_attributes_are_parsed_in_both_languages():
    en = check_prompt(TOKENIZER, "a light blue ankle boot")
    assert en.parsed == {"category": 9, "tone": 2, "colour": 4} and en.notes == () and en.languages == ("en",)
    zh = check_prompt(TOKENIZER, "红色宽松连衣裙")
    assert zh.parsed == {"category": 3, "colour": 0, "width": 2} and zh.languages == ("zh",)
    assert [p for p, _, _ in find_phrases("ankle boots")] == ["ankle boot"]


def test_unknown_words_long_prompts_mixed_languages_and_contradictions_are_noted():
    check = check_prompt(TOKENIZER, "a gorgeous red dress")
    assert check.unknown == ("gorgeous",) and "unknown words: gorgeous" in check.notes[0]
    long = check_prompt(TOKENIZER, "a red dress " * 20)
    assert long.truncated and any("longer than the encoder's 32 tokens" in n for n in long.notes)
    mixed = check_prompt(TOKENIZER, "红色 dress")
    assert mixed.languages == ("en", "zh") and any("mixes English and 中文" in n for n in mixed.notes)
    contradiction = check_prompt(TOKENIZER, "dark light dress")
    assert sorted(contradiction.ambiguous["tone"]) == ["dark", "light"]
    assert "tone" not in contradiction.parsed and any("tone is ambiguous" in n for n in contradiction.notes)
