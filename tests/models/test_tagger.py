"""course_lib.models.tagger: one logits tensor per head, config from JSON-style lists, bad heads refused."""

import pytest
import torch

from course_lib.models.tagger import Tagger, TaggerConfig


def test_heads_and_shapes():
    cfg = TaggerConfig(heads=[["category", 10], ["colour", 8], ["pattern", 2]], width=4)
    assert cfg.heads == (("category", 10), ("colour", 8), ("pattern", 2))
    out = Tagger(cfg)(torch.rand(6, 3, 28, 28))
    assert {k: tuple(v.shape) for k, v in out.items()} == {"category": (6, 10), "colour": (6, 8), "pattern": (6, 2)}


def test_bad_heads():
    with pytest.raises(ValueError, match="values >= 2"):
        TaggerConfig(heads=(("tone", 1),))
