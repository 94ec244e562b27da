"""PatchGAN: logit-map shape, receptive field measured by gradients, conditioning errors."""

import dataclasses

import pytest
import torch

from course_lib.models.patchgan import PatchGAN, PatchGANConfig, output_size, receptive_field

TINY = PatchGANConfig(width=8)


@pytest.mark.parametrize("num_downsamples, size, side", [(1, 28, 12), (2, 28, 5), (1, 32, 14), (2, 32, 6),
                                                         (1, 27, 11), (2, 30, 5)])
def test_logit_map_shape(num_downsamples, size, side):
    cfg = dataclasses.replace(TINY, num_downsamples=num_downsamples)
    x = torch.rand(3, 1, size, size) * 2 - 1
    logits = PatchGAN(cfg)(x, x, torch.zeros(3, 1, size, size))
    assert logits.shape == (3, 1, side, side)
    assert output_size(size, cfg) == side


@pytest.mark.parametrize("num_downsamples, side", [(1, 16), (2, 34), (3, 70)])
def test_receptive_field_matches_the_gradient_footprint(num_downsamples, side):
    cfg = dataclasses.replace(TINY, num_downsamples=num_downsamples, cond_channels=0)
    assert receptive_field(cfg) == side  # (3 layers: pix2pix's 70x70 PatchGAN)
    d = PatchGAN(cfg).eval()  # eval: BatchNorm uses running statistics, no coupling across pixels
    x = torch.rand(1, 1, 96, 96, requires_grad=True)
    logits = d(x, torch.zeros(1, 1, 96, 96))
    logits[0, 0, logits.shape[2] // 2, logits.shape[3] // 2].backward()
    rows = x.grad[0, 0].abs().sum(1).nonzero()
    cols = x.grad[0, 0].abs().sum(0).nonzero()
    assert rows.max() - rows.min() + 1 == side
    assert cols.max() - cols.min() + 1 == side


def test_the_discriminator_looks_at_both_inputs_and_the_mask():
    d = PatchGAN(TINY).eval()
    a, b = torch.rand(2, 1, 28, 28) * 2 - 1, torch.rand(2, 1, 28, 28) * 2 - 1
    mask = torch.zeros(2, 1, 28, 28)
    base = d(a, b, mask)
    assert (d(b, b, mask) - base).abs().max() > 1e-4
    assert (d(a, a, mask) - base).abs().max() > 1e-4
    assert (d(a, b, torch.ones_like(mask)) - base).abs().max() > 1e-4


def test_bad_inputs_are_explained():
    d = PatchGAN(TINY)
    x = torch.zeros(2, 1, 28, 28)
    with pytest.raises(ValueError, match="cond of shape"):
        d(x, x)
    with pytest.raises(ValueError, match="must both be"):
        d(x, torch.zeros(2, 1, 32, 32), torch.zeros(2, 1, 28, 28))
    with pytest.raises(ValueError, match="num_downsamples"):
        PatchGANConfig(num_downsamples=0)
