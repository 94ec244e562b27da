"""DCGAN shapes, ranges and initialisation for 28x28 and 32x32 images."""

import pytest
import torch
from torch import nn

from course_lib.models.dcgan import DCGANConfig, Discriminator, Generator, build_dcgan


@pytest.mark.parametrize("image_size", [28, 32])
def test_shapes_and_ranges(image_size):
    cfg = DCGANConfig(image_size=image_size, latent_dim=8, width=8)
    generator, discriminator = build_dcgan(cfg)
    fake = generator(torch.randn(5, 8))
    assert fake.shape == (5, 1, image_size, image_size)
    assert fake.min() >= -1 and fake.max() <= 1
    logits = discriminator(fake)
    assert logits.shape == (5,)
    assert generator.latent_dim == 8


def test_discriminator_returns_unbounded_logits_not_probabilities():
    discriminator = Discriminator(DCGANConfig(width=8))
    with torch.no_grad():
        discriminator.classify.bias.fill_(5.0)
    assert discriminator(torch.zeros(3, 1, 28, 28)).min() > 1.0
    assert not any(isinstance(m, nn.Sigmoid) for m in discriminator.modules())


def test_dcgan_init():
    generator, discriminator = build_dcgan(DCGANConfig(width=32))
    modules = [*generator.modules(), *discriminator.modules()]
    convs = [m for m in modules if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d))]
    weights = torch.cat([m.weight.flatten() for m in convs])
    assert abs(weights.mean().item()) < 0.002
    assert 0.019 < weights.std().item() < 0.021
    norms = torch.cat([m.weight for m in generator.modules() if isinstance(m, nn.BatchNorm2d)])
    assert 0.99 < norms.mean().item() < 1.01 and 0.01 < norms.std().item() < 0.03
    biases = torch.cat([m.bias for m in generator.modules() if isinstance(m, nn.BatchNorm2d)])
    assert torch.equal(biases, torch.zeros_like(biases))


def test_width_and_latent_dim_set_the_sizes():
    small, big = Generator(DCGANConfig(width=8)), Generator(DCGANConfig(width=16))
    assert sum(p.numel() for p in big.parameters()) > 2 * sum(p.numel() for p in small.parameters())
    assert Generator(DCGANConfig(latent_dim=3)).project[0].in_features == 3


@pytest.mark.parametrize("d_norm", ["layer", "none"])
def test_per_sample_discriminators_treat_images_independently(d_norm):
    discriminator = Discriminator(DCGANConfig(width=8, d_norm=d_norm)).train()
    x = torch.randn(4, 1, 28, 28)
    torch.testing.assert_close(discriminator(x)[:1], discriminator(x[:1]))


def test_batchnorm_discriminator_mixes_the_batch():
    discriminator = Discriminator(DCGANConfig(width=8)).train()
    x = torch.randn(4, 1, 28, 28)
    assert not torch.allclose(discriminator(x)[:2], discriminator(x[:2]))


@pytest.mark.parametrize("bad, message", [
    ({"image_size": 48}, r"one of \(28, 32, 64, 128\)"), ({"width": 0}, "width"), ({"latent_dim": -1}, "latent_dim"),
    ({"d_norm": "spectral"}, "d_norm"),
])
def test_config_rejects_bad_values(bad, message):
    with pytest.raises(ValueError, match=message):
        DCGANConfig(**bad)
