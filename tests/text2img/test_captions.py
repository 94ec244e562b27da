"""course_lib.text2img.captions: seeded bilingual captions, what they name, and held-out phrasings kept apart."""

import random

import torch

from course_lib.text2img.captions import (
    CATEGORY_EN,
    SPLITS,
    TEMPLATES,
    WORDS_EN,
    WORDS_ZH,
    caption,
    captions_for,
    training_corpus,
)
from course_lib.text2img.tokenizer import train_tokenizer, unknown_words

RED_WIDE = {"colour": 0, "tone": 0, "width": 2, "pattern": 0}  # red, dark, wide, plain


def test_a_full_caption_names_every_attribute_in_both_languages():
    rng = random.Random(0)
    en = caption(3, RED_WIDE, rng, "seen", "en", mention=1.0)
    zh = caption(3, RED_WIDE, rng, "seen", "zh", mention=1.0)
    assert en.mentioned == RED_WIDE and zh.mentioned == RED_WIDE
    assert "red" in en.text and "dress" in en.text
    assert "红色" in zh.text and any(w in zh.text for w in ("宽松", "宽版"))
    assert any(n in zh.text for n in ("连衣裙", "裙子"))


def test_captions_are_seeded_and_name_a_subset():
    labels, attrs = torch.arange(50) % 10, {k: torch.zeros(50, dtype=torch.long) for k in RED_WIDE}
    first, again = captions_for(labels, attrs, seed=3), captions_for(labels, attrs, seed=3)
    assert [c.text for c in first] == [c.text for c in again]
    assert [c.text for c in first] != [c.text for c in captions_for(labels, attrs, seed=4)]
    sizes = {len(c.mentioned) for c in first}
    assert len(sizes) > 2 and all(c.category == int(label) for c, label in zip(first, labels))


def test_held_out_phrasings_never_appear_in_training_captions():
    corpus = set(training_corpus())
    rng = random.Random(1)
    held = [caption(k % 10, RED_WIDE, rng, "held_out", lang, 1.0).text for k in range(200) for lang in ("en", "zh")]
    assert not corpus & set(held)
    assert set(TEMPLATES["seen"]).isdisjoint(TEMPLATES["held_out"]) and SPLITS == ("seen", "held_out")


def test_held_out_synonyms_are_made_of_known_tokens():
    """Only the held-out templates' connectors are unknown; every held-out synonym is built from known pieces."""
    tokenizer = train_tokenizer(training_corpus())
    for table in (WORDS_EN, WORDS_ZH):
        for values in table.values():
            for _, held in values.values():
                for word in held:
                    assert unknown_words(tokenizer, word) == [], word
    assert all(unknown_words(tokenizer, n) == [] for names in CATEGORY_EN for n in names)


def test_english_articles_agree_with_the_noun_and_the_next_word():
    orange = {"colour": 1, "tone": 0, "width": 2, "pattern": 0}
    texts = {caption(c, orange, random.Random(s), split, "en", m).text
             for c in (1, 3, 9) for s in range(40) for split in SPLITS for m in (0.0, 1.0)}
    words = [t.split() for t in texts]
    assert any(t.startswith("an orange") for t in texts) and any(t.startswith("an ankle boot") for t in texts)
    assert not any(a == "a" and b[0] in "aeiou" for w in words for a, b in zip(w, w[1:]))
    assert not any(a in ("a", "an") for w in words if w[-1] in ("trousers", "pants") or "trousers" in w
                   or "pants" in w for a in w)
