"""course_lib.studies.encoders: text->text recall with a perfect and a useless encoder, the cache,
and the locked-text CLIP that learns from frozen vectors."""

import pytest
import torch
from text2img.edition_files import constructed_edition

from course_lib.models.clip import ClipConfig
from course_lib.studies.encoders import (
    PAIRS,
    cached,
    caption_pool,
    caption_sets,
    locked_retrieval,
    text_to_text,
    train_locked,
)
from course_lib.text2img.captions import ATTRIBUTES


def oracle(captions):
    """An encoder that knows each caption's description exactly: one unit vector per description."""
    keys = {c.text: (c.category, *(c.mentioned.get(a, -1) for a in ATTRIBUTES)) for c in captions}
    ids = {key: i for i, key in enumerate(sorted(set(keys.values())))}

    def embed(texts):
        return torch.nn.functional.one_hot(torch.tensor([ids[keys[t]] for t in texts]), len(ids)).float()
    return embed


def test_a_perfect_encoder_recalls_everything_and_a_constant_one_almost_nothing():
    data = constructed_edition(120, categories=4)
    every = [c for captions in caption_sets(data, seed=2).values() for c in captions]
    perfect = text_to_text(oracle(every), data, seed=2)
    assert set(perfect) == {f"{q}->{g}" for q, g in PAIRS} and all(r == 1.0 for r in perfect.values())
    constant = text_to_text(lambda texts: torch.ones(len(texts), 4) / 2, data, seed=2)
    assert all(r < 0.2 for r in constant.values())


def test_cached_embeds_each_text_once():
    calls = []

    def embed(texts):
        calls.append(list(texts))
        return torch.randn(len(texts), 3)
    embed_once = cached(embed)
    first = embed_once(["a", "b", "a"])
    again = embed_once(["b", "c"])
    assert calls == [["a", "b"], ["c"]]
    torch.testing.assert_close(first[0], first[2])
    torch.testing.assert_close(first[1], again[0])


def test_the_locked_tower_learns_from_frozen_vectors_and_is_seeded():
    data = constructed_edition(160, categories=4)
    index, captions = caption_pool(data, per_image=2, seed=0)
    assert len(index) == len(captions) == 320 and (index[:160] == torch.arange(160)).all()
    embed = oracle([c for cs in caption_sets(data).values() for c in cs] + captions)
    vectors = embed([c.text for c in captions])
    cfg = ClipConfig(vocab_size=1, embed_dim=16, image_width=8)
    model, losses = train_locked(data, index, captions, vectors, 60, 32, seed=3, cfg=cfg, progress=False)
    _, same = train_locked(data, index, captions, vectors, 60, 32, seed=3, cfg=cfg, progress=False)
    assert losses == same and sum(losses[-10:]) < sum(losses[:10])
    result = locked_retrieval(model, embed, data)
    assert set(result) == {"seen_en", "seen_zh", "held_out_en", "held_out_zh"}
    assert all(0.0 <= r["1"] <= r["5"] <= 1.0 for r in result.values())
    with pytest.raises(ValueError, match="one row per pool caption"):
        train_locked(data, index[:5], captions, vectors, 1, cfg=cfg, progress=False)


def test_pair_cosines_are_the_dot_products_of_each_pairs_unit_vectors():
    from course_lib.studies.encoders import pair_cosines

    table = {"a": torch.tensor([1.0, 0.0]), "b": torch.tensor([0.6, 0.8]), "c": torch.tensor([0.0, 1.0])}
    embed = lambda texts: torch.stack([table[t] for t in texts])  # noqa: E731
    found = pair_cosines(embed, pairs=(("a", "b"), ("a", "c"), ("b", "b")))
    assert found == {"a | b": 0.6, "a | c": 0.0, "b | b": 1.0}
