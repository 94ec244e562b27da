"""Test helpers: a tiny catalog and a tiny U-Net file (finished or interrupted tasks)."""

import torch

from course_lib.editing.checkpoint import save_unets, task_entry
from course_lib.editing.pix2pix import FitConfig
from course_lib.models.unet import UNet, UNetConfig


def catalog(n=6):
    images = torch.zeros(n, 28, 28, dtype=torch.uint8)
    for i in range(n):
        images[i, 5 + i: 20, 6: 22 - i] = 80 + 25 * i
    return images


def tiny_file(tmp_path, tasks=("denoise", "inpaint"), finished=True):
    entries = {}
    for task in tasks:
        torch.manual_seed(1)
        unet = UNet(UNetConfig(cond_channels=1, width=8, groups=4))
        entries[task] = task_entry(unet, FitConfig(tasks=(task,), num_steps=3), 3 if finished else 1, 0.5, {})
    return save_unets(tmp_path / "unet.pt", {"tasks": list(tasks)}, entries)
