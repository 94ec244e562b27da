"""course_lib.text2img.tokenizer: words in English, characters in Chinese, unknown words named, JSON round trip."""

import torch

from course_lib.text2img.tokenizer import encode, from_json, pieces, train_tokenizer, unknown_words, word_dropout


def tokenizer():
    return train_tokenizer(["a red dress", "a loose-fit blue coat", "红色连衣裙", "一双浅色的蓝色短靴"])


def test_english_by_word_and_chinese_by_character():
    t = tokenizer()
    assert pieces(t, "A Red  dress") == ["a", "red", "dress"]
    assert pieces(t, "红色连衣裙") == ["红", "色", "连", "衣", "裙"]
    assert pieces(t, "loose-fit") == ["loose", "-", "fit"]


def test_unknown_words_are_named_as_written():
    t = tokenizer()
    assert unknown_words(t, "a Crimson dress, crimson gown") == ["Crimson", "crimson", "gown"]
    assert unknown_words(t, "红色长裙") == ["长"]
    assert unknown_words(t, "a red dress") == []


def test_encode_pads_masks_and_reports_what_it_cut():
    t = tokenizer()
    tokens = encode(t, ["a red dress", "red"], max_tokens=8)
    assert tokens.ids.shape == (2, 3) and tokens.mask.tolist() == [[True] * 3, [True, False, False]]
    long = encode(t, ["a red dress " * 4], max_tokens=5)
    assert long.ids.shape == (1, 5) and long.truncated == ("dress", "a", "red", "dress", "a", "red", "dress")


def test_json_round_trip_and_word_dropout():
    t = tokenizer()
    again = from_json(t.to_str())
    assert again.encode("红色 dress").ids == t.encode("红色 dress").ids
    ids = encode(t, ["a red dress", "red"]).ids
    g = torch.Generator().manual_seed(0)
    assert torch.equal(word_dropout(ids, 0.0, g), ids)
    dropped = word_dropout(ids, 1.0, g)
    assert torch.equal(dropped[ids != 0], torch.ones_like(ids[ids != 0])) and (dropped[ids == 0] == 0).all()
