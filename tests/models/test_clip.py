"""course_lib.models.clip: shapes, unit embeddings, padding does not change a caption's embedding; the locked-text
variant trains only its head and image tower."""

import pytest
import torch

from course_lib.models.clip import Clip, ClipConfig, LockedTextClip


def test_shapes_and_padding_invariance():
    torch.manual_seed(0)
    model = Clip(ClipConfig(vocab_size=20, dim=16, layers=1, heads=2, embed_dim=8, image_width=4)).eval()
    ids = torch.tensor([[3, 4, 5, 0, 0], [3, 4, 5, 6, 7]])
    text = model.text(ids, ids != 0)
    short = model.text(ids[:1, :3], ids[:1, :3] != 0)
    torch.testing.assert_close(text[:1], short, atol=1e-5, rtol=1e-5)
    image = model.image(torch.rand(3, 3, 28, 28) * 2 - 1)
    assert text.shape == (2, 8) and image.shape == (3, 8)
    torch.testing.assert_close(image.norm(dim=1), torch.ones(3))
    logits = model.logits(text, image)
    assert logits.shape == (2, 3) and logits.abs().max() <= 100.0


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError, match="multiple of heads"):
        ClipConfig(vocab_size=10, dim=30, heads=4)
    with pytest.raises(ValueError, match="vocab_size"):
        ClipConfig(vocab_size=0)


def test_locked_text_clip_maps_frozen_vectors_to_unit_embeddings():
    torch.manual_seed(0)
    model = LockedTextClip(384, ClipConfig(vocab_size=2, embed_dim=8, image_width=4))
    text, image = model.text(torch.randn(5, 384)), model.image(torch.rand(3, 3, 28, 28) * 2 - 1)
    torch.testing.assert_close(text.norm(dim=1), torch.ones(5))
    assert model.logits(text, image).shape == (5, 3)
    assert {name.split(".")[0] for name, _ in model.named_parameters()} == {"head", "image", "logit_scale"}
    with pytest.raises(ValueError, match="text_dim"):
        LockedTextClip(0, ClipConfig(vocab_size=2))
