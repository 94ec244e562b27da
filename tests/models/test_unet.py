"""U-Net: sizes in = sizes out (also odd ones), identity at initialisation, range, conditioning errors."""

import dataclasses

import pytest
import torch

from course_lib.models.unet import IDENTITY_EPS, UNet, UNetConfig

TINY = UNetConfig(width=8, depth=2, groups=4)


@pytest.mark.parametrize("height, width", [(28, 28), (32, 32), (27, 27), (30, 30), (27, 30), (5, 9)])
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_output_shape_equals_input_shape(height, width, depth):
    unet = UNet(dataclasses.replace(TINY, depth=depth))
    x = torch.rand(2, 1, height, width) * 2 - 1
    out = unet(x, torch.zeros(2, 1, height, width))
    assert out.shape == x.shape


def test_residual_unet_starts_as_the_identity():
    x = torch.rand(3, 1, 28, 28) * 2 - 1
    x[0, 0, :4] = -1.0  # black background, as in Fashion-MNIST
    x[0, 0, -4:] = 1.0
    out = UNet(dataclasses.replace(TINY, residual=True))(x, torch.zeros(3, 1, 28, 28))
    torch.testing.assert_close(out, x.clamp(-1 + IDENTITY_EPS, 1 - IDENTITY_EPS), atol=1e-6, rtol=0)


def test_plain_unet_is_not_the_identity_and_stays_in_range():
    unet = UNet(TINY)  # residual=False is the default
    x = torch.rand(4, 1, 28, 28) * 2 - 1
    out = unet(x, torch.zeros(4, 1, 28, 28))
    assert out.abs().max() <= 1.0
    assert (out - x).abs().mean() > 0.1


@pytest.mark.parametrize("residual", [True, False])
def test_huge_corrections_stay_in_range(residual):
    unet = UNet(dataclasses.replace(TINY, residual=residual))
    with torch.no_grad():
        unet.head.bias.fill_(50.0)  # a huge correction still lands inside [-1, 1]
    out = unet(torch.rand(2, 1, 28, 28) * 2 - 1, torch.zeros(2, 1, 28, 28))
    assert out.min() >= -1.0 and out.max() <= 1.0 and out.min() > 0.99


def test_each_image_is_processed_independently_and_alike_in_train_and_eval_mode():
    unet = UNet(TINY)  # GroupNorm: no batch statistics
    x, cond = torch.rand(4, 1, 28, 28) * 2 - 1, torch.rand(4, 1, 28, 28)
    batch = unet(x, cond)
    torch.testing.assert_close(unet(x[:1], cond[:1]), batch[:1], atol=1e-5, rtol=0)
    unet.eval()
    torch.testing.assert_close(unet(x, cond), batch, atol=1e-6, rtol=0)


def test_conditioning_changes_the_output():
    unet = UNet(dataclasses.replace(TINY, cond_channels=5))
    x = torch.rand(2, 1, 28, 28) * 2 - 1
    a, b = torch.zeros(2, 5, 28, 28), torch.zeros(2, 5, 28, 28)
    b[:, 2] = 1
    assert (unet(x, a) - unet(x, b)).abs().max() > 1e-3


def test_unconditioned_unet_takes_no_cond():
    unet = UNet(dataclasses.replace(TINY, cond_channels=0))
    assert unet(torch.zeros(1, 1, 28, 28)).shape == (1, 1, 28, 28)
    with pytest.raises(ValueError, match="takes no cond"):
        unet(torch.zeros(1, 1, 28, 28), torch.zeros(1, 1, 28, 28))


def test_missing_or_wrong_cond_is_explained():
    unet = UNet(TINY)
    x = torch.zeros(2, 1, 28, 28)
    with pytest.raises(ValueError, match="cond of shape"):
        unet(x)
    with pytest.raises(ValueError, match="cond of shape"):
        unet(x, torch.zeros(2, 5, 28, 28))
    with pytest.raises(ValueError, match=r"x must be \(N, 1, H, W\)"):
        unet(torch.zeros(2, 3, 28, 28), torch.zeros(2, 1, 28, 28))


def test_bad_config_is_explained():
    with pytest.raises(ValueError, match="multiple of groups"):
        UNetConfig(width=12, groups=8)
    with pytest.raises(ValueError, match="depth and width"):
        UNetConfig(depth=0)


def test_gradients_reach_every_parameter():
    unet = UNet(TINY)
    unet(torch.rand(2, 1, 27, 27) * 2 - 1, torch.rand(2, 1, 27, 27)).square().mean().backward()
    assert all(p.grad is not None and p.grad.abs().sum() > 0 for p in unet.parameters())


def test_embedding_option_starts_as_the_plain_unet_and_keeps_lesson_05_weights():
    plain = UNet(UNetConfig(in_channels=3, cond_channels=0, width=8))
    assert not any(name.startswith("films") for name in plain.state_dict())  # the shipped U-Nets' keys
    torch.manual_seed(0)
    film = UNet(UNetConfig(in_channels=3, cond_channels=0, width=8, embed_dim=4, linear_output=True))
    film_free = {k: v for k, v in film.state_dict().items() if not k.startswith("films")}
    plain.load_state_dict(film_free)
    x = torch.rand(2, 3, 28, 28) * 2 - 1
    # FiLM starts at the identity: with any embedding, the output is the plain network's before its tanh
    torch.testing.assert_close(torch.tanh(film(x, emb=torch.randn(2, 4))), plain(x))
    with pytest.raises(ValueError, match=r"takes emb of shape \(N, 4\)"):
        film(x)
    with pytest.raises(ValueError, match="cannot have linear_output"):
        UNetConfig(residual=True, linear_output=True)
