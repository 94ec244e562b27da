"""The registry of model kinds: rebuild models from a config or its dict."""

import dataclasses

import pytest
import torch

from course_lib.models import GAN_KINDS, build_models, get_model_kind, model_config
from course_lib.models.dcgan import DCGANConfig, Generator


def test_dcgan_is_registered():
    assert get_model_kind("dcgan").config_cls is DCGANConfig
    assert not GAN_KINDS["dcgan"].conditional


def test_build_from_config_or_its_dict_gives_the_same_models():
    cfg = DCGANConfig(image_size=32, latent_dim=4, width=8)
    torch.manual_seed(1)
    g1, _ = build_models("dcgan", cfg)
    torch.manual_seed(1)
    g2, _ = build_models("dcgan", dataclasses.asdict(cfg))
    assert isinstance(g2, Generator) and g2.cfg == cfg
    for a, b in zip(g1.parameters(), g2.parameters()):
        assert torch.equal(a, b)


def test_clear_errors():
    with pytest.raises(ValueError, match="unknown model kind 'stylegan'; known kinds: .*dcgan"):
        get_model_kind("stylegan")
    with pytest.raises(ValueError, match=r"unknown fields \['depth'\]"):
        model_config("dcgan", {"width": 8, "depth": 3})
    with pytest.raises(TypeError, match="needs a DCGANConfig"):
        build_models("dcgan", object())


def test_missing_fields_take_their_defaults():
    assert model_config("dcgan", {"width": 8}) == DCGANConfig(width=8)


@pytest.mark.parametrize("kind", ["dcgan", "cgan", "wgan-gp"])
@pytest.mark.parametrize("image_size", [32, 64, 128])
@pytest.mark.parametrize("channels", [1, 3])
def test_every_kind_at_every_photo_size_and_channel_count_trains_a_step(kind, image_size, channels):
    """One block per doubling (DCGAN paper): shapes at 32/64/128 px in grey and colour, and one trainer step."""
    from course_lib.gan.losses import get_loss
    from course_lib.gan.steps import d_step, g_step
    from course_lib.models.dcgan import levels

    torch.manual_seed(0)
    cfg = dataclasses.replace(get_model_kind(kind).config_cls(), image_size=image_size, channels=channels,
                              width=4, latent_dim=8)
    generator, discriminator = build_models(kind, cfg)
    z, labels = torch.randn(2, 8), torch.tensor([1, 7]) if kind == "cgan" else None
    fake = generator(z, labels) if labels is not None else generator(z)
    assert fake.shape == (2, channels, image_size, image_size) and fake.abs().max() <= 1
    logits = discriminator(fake, labels) if labels is not None else discriminator(fake)
    assert logits.shape == (2,)
    s0, num_levels = levels(image_size)
    assert s0 * 2 ** num_levels == image_size
    before = [p.detach().clone() for p in generator.parameters()]
    loss = get_loss("wasserstein" if kind == "wgan-gp" else "non_saturating")
    opt_d = torch.optim.Adam(discriminator.parameters(), lr=1e-3)
    opt_g = torch.optim.Adam(generator.parameters(), lr=1e-3)
    real = torch.rand(2, channels, image_size, image_size) * 2 - 1
    d_stats = d_step(generator, discriminator, opt_d, real, z, loss, labels, labels)
    g_stats = g_step(generator, discriminator, opt_g, z, loss, labels)
    assert torch.isfinite(d_stats["d_loss"]) and torch.isfinite(g_stats["g_loss"])
    assert any(not torch.equal(a, b) for a, b in zip(before, generator.parameters()))


def test_the_28_px_catalog_models_keep_their_layers():
    """The shipped checkpoints load into the generalised classes: same parameter names and shapes."""
    from course_lib.gan.zoo import load_pretrained

    for kind in ("dcgan", "cgan", "wgan-gp"):
        assert load_pretrained(kind) is not None
