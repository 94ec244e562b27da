"""course_lib.widgets.restore_explorer: controls per task, the hole where the sliders put it, redraw."""

import pytest
import torch

from course_lib.editing.baselines import BASELINES
from course_lib.models.unet import UNet, UNetConfig
from course_lib.widgets.restore_explorer import restore_explorer


def photos(n=3):
    images = torch.zeros(n, 28, 28, dtype=torch.uint8)
    images[:, 6:22, 8:20] = 200
    return images


def models():
    torch.manual_seed(0)
    return {task: UNet(UNetConfig(cond_channels=1, width=8, groups=4)) for task in ("denoise", "inpaint")}


def test_construction_update_and_task_switch():
    panel = restore_explorer(models(), photos(), labels=torch.tensor([0, 7, 8]))
    assert list(panel.task.options) == ["denoise", "inpaint"] and panel.result is None
    panel.update()
    assert panel.picture.value[:4] == b"\x89PNG" and panel.result["mask"] is None
    scores = panel.result["scores"]
    assert set(scores) == {"degraded", "U-Net", "classical (nl_means)", "clean"} and scores["clean"]["ssim"] == 1.0
    panel.task.value = "inpaint"  # switches the methods and the controls, and redraws
    assert tuple(panel.method.options) == BASELINES["inpaint"] and panel.strength.disabled
    assert not panel.hole_size.disabled and "classical (biharmonic)" in panel.result["scores"]
    mask = panel.result["mask"]
    assert mask.sum() == 64 and mask[0, 0, 10:18, 10:18].eq(1).all()  # 8x8 at (10, 10), the sliders' defaults
    panel.hole_size.value, panel.hole_top.value, panel.hole_left.value = 4, 27, 0
    mask = panel.result["mask"]
    assert mask.sum() == 16 and mask[0, 0, 24:28, 0:4].eq(1).all()  # kept inside the picture
    unet_out = panel.result["images"]["U-Net"]
    clean = panel.result["images"]["clean"]
    assert torch.equal(unet_out * (1 - mask), clean * (1 - mask))  # known pixels are kept


def test_strength_changes_the_degradation():
    panel = restore_explorer(models(), photos())
    panel.update()
    weak = panel.result["scores"]["degraded"]["psnr"]
    panel.strength.value = 1.0
    assert panel.result["scores"]["degraded"]["psnr"] < weak - 3


def test_bad_inputs():
    with pytest.raises(ValueError, match="at least one task"):
        restore_explorer({}, photos())
    with pytest.raises(ValueError, match="valid tasks"):
        restore_explorer({"sharpen": UNet()}, photos())
    with pytest.raises(ValueError, match="uint8"):
        restore_explorer(models(), photos().float())
