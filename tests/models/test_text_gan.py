"""course_lib.models.text_gan: shapes, the embedding reaches the generator and the discriminator, one step."""

import pytest
import torch

from course_lib.models.text_gan import TextGANConfig, build_text_gan


def test_shapes_and_the_embedding_matters():
    torch.manual_seed(0)
    g, d = build_text_gan(TextGANConfig(embed_dim=8, latent_dim=4, width=8))
    z, e = torch.randn(5, 4), torch.nn.functional.normalize(torch.randn(5, 8), dim=1)
    x = g(z, e)
    assert x.shape == (5, 3, 28, 28) and x.abs().max() <= 1
    assert d(x, e).shape == (5,)
    g.eval()
    assert not torch.allclose(g(z, e), g(z, e.roll(1, 0)))
    assert not torch.allclose(d(x, e), d(x, e.roll(1, 0)))


def test_one_training_step_moves_both_networks():
    torch.manual_seed(0)
    g, d = build_text_gan(TextGANConfig(embed_dim=8, latent_dim=4, width=8))
    e = torch.randn(4, 8)
    loss = d(g(torch.randn(4, 4), e), e).mean()
    loss.backward()
    assert all(p.grad is not None for p in g.parameters()) and any(p.grad is not None for p in d.parameters())


def test_bad_config():
    with pytest.raises(ValueError, match="width"):
        TextGANConfig(width=0)
    with pytest.raises(ValueError):
        TextGANConfig(image_size=30)
