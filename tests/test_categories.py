"""course_lib.categories: keyword matching of descriptions, category names and indices."""

import pytest

from course_lib.categories import (
    CLASS_NAMES,
    CLASS_NAMES_ZH,
    KEYWORDS,
    category_index,
    find_keywords,
    match_description,
)


@pytest.mark.parametrize("text, label", [
    ("ankle boot", 9), ("红色连衣裙", 3), ("black leather boots", 9), ("white T-shirt", 0), ("a plain tee", 0),
    ("slim jeans", 1), ("wool sweater", 2), ("summer dresses", 3), ("rain jacket", 4), ("beach sandals", 5),
    ("silk blouse", 6), ("running shoes", 7), ("白色运动鞋", 7), ("leather handbag", 8), ("黑色短靴", 9),
    ("毛衣", 2), ("牛仔裤", 1), ("格子衬衫", 6), ("羽绒外套", 4), ("DRESS", 3),
])
def test_descriptions_map_to_categories(text, label):
    match = match_description(text)
    assert match is not None and match.label == label, (text, match)
    assert CLASS_NAMES[label] in match.explain() and CLASS_NAMES_ZH[label] in match.explain()
    assert "keyword matching" in match.explain()


def test_the_first_keyword_wins_and_the_longest_at_one_place():
    assert match_description("t-shirt").keyword == "t-shirt"  # not "shirt" inside it
    assert match_description("a bag with a dress print").label == 8  # bag comes first
    assert [label for _, label, _ in find_keywords("shirt and boots")] == [6, 9]


def test_whole_english_words_only_and_no_match_is_none():
    assert match_description("laptop stand") is None  # "top" inside "laptop" is not a top
    assert match_description("a red hat") is None
    assert match_description("") is None
    with pytest.raises(TypeError, match="string"):
        match_description(3)


def test_every_category_has_english_and_chinese_keywords_that_match_themselves():
    for label, words in KEYWORDS.items():
        assert any(w.isascii() for w in words) and any(not w.isascii() for w in words)
        for word in words:
            assert match_description(word).label == label, word


@pytest.mark.parametrize("value, index", [(3, 3), ("3", 3), ("dress", 3), ("Ankle boot", 9), ("短靴", 9),
                                          (" T-shirt/top ", 0), ("0", 0)])
def test_category_index(value, index):
    assert category_index(value) == index


@pytest.mark.parametrize("value", ["boots", "10", "-1", "", "3.0"])
def test_category_index_rejects_with_the_valid_names(value):
    with pytest.raises(ValueError, match=r"unknown category .*0 'T-shirt/top'/T恤/上衣.*9 'Ankle boot'/短靴"):
        category_index(value)
