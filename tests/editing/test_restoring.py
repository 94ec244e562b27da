"""course_lib.editing.restoring: the conditioning maps, and restore keeping known pixels and the mode."""

import pytest
import torch

from course_lib.editing.degrade import TASKS, degrade
from course_lib.editing.restoring import conditioning, restore
from course_lib.models.unet import UNet, UNetConfig

TINY_UNET = UNetConfig(width=8, depth=2, groups=4)


def test_conditioning_layout():
    like = torch.zeros(3, 1, 28, 28)
    assert conditioning(None, "denoise", 0, like) is None
    assert torch.equal(conditioning(None, "denoise", 1, like), torch.zeros(3, 1, 28, 28))
    mask = (torch.rand(3, 1, 28, 28) > 0.5).float()
    cond = conditioning(mask, "inpaint", 1 + len(TASKS), like)
    assert cond.shape == (3, 5, 28, 28)
    assert torch.equal(cond[:, 0:1], mask)
    assert torch.equal(cond[:, 1:].mean(dim=(0, 2, 3)), torch.tensor([0.0, 1.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match="cond_channels must be 0, 1"):
        conditioning(None, "denoise", 3, like)
    with pytest.raises(ValueError, match="valid tasks"):
        conditioning(None, "sharpen", 5, like)


def test_restore_keeps_known_pixels_the_mode_and_does_not_depend_on_batch_size():
    unet = UNet(TINY_UNET)
    clean = torch.rand(5, 1, 27, 27) * 2 - 1
    degraded, mask = degrade(clean, "inpaint", 0.5, seed=0)
    unet.train()
    out = restore(unet, degraded, mask, "inpaint", batch_size=2)
    assert unet.training and out.shape == clean.shape
    known = mask.expand_as(clean) == 0
    assert torch.equal(out[known], degraded[known])
    assert not torch.equal(out[~known], degraded[~known])
    torch.testing.assert_close(restore(unet, degraded, mask, "inpaint", batch_size=5), out, atol=1e-5, rtol=0)
