"""course_lib.models.wgan: shapes, no batch norm in the critic, per-sample scores, registry."""

import dataclasses

import pytest
import torch
from torch import nn

from course_lib.models import build_models, get_model_kind
from course_lib.models.wgan import Critic, WGANConfig, build_wgan


@pytest.mark.parametrize("size", [28, 32])
def test_shapes(size):
    cfg = WGANConfig(image_size=size, latent_dim=8, width=4)
    generator, critic = build_wgan(cfg)
    fake = generator(torch.randn(3, 8))
    assert fake.shape == (3, 1, size, size) and fake.min() >= -1 and fake.max() <= 1
    assert critic(fake).shape == (3,)
    assert generator.latent_dim == 8 and not hasattr(generator, "num_classes")


@pytest.mark.parametrize("norm", ["layer", "none"])
def test_critic_has_no_batch_norm_and_scores_each_image_alone(norm):
    critic = Critic(WGANConfig(width=4, norm=norm)).train()
    assert not any(isinstance(m, nn.modules.batchnorm._BatchNorm) for m in critic.modules())
    x = torch.randn(6, 1, 28, 28)
    torch.testing.assert_close(critic(x)[:2], critic(x[:2]))  # train mode too: no batch statistics


def test_bad_config_and_registry():
    with pytest.raises(ValueError, match="critic norm must be one of .*batch norm breaks"):
        WGANConfig(norm="batch")
    with pytest.raises(ValueError, match=r"image_size must be one of \(28, 32, 64, 128\)"):
        WGANConfig(image_size=48)
    cfg = WGANConfig(latent_dim=4, width=4)
    assert get_model_kind("wgan-gp").config_cls is WGANConfig
    torch.manual_seed(2)
    g1, c1 = build_models("wgan-gp", dataclasses.asdict(cfg))
    torch.manual_seed(2)
    g2, c2 = build_wgan(cfg)
    for a, b in zip([*g1.parameters(), *c1.parameters()], [*g2.parameters(), *c2.parameters()]):
        assert torch.equal(a, b)
