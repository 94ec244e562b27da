"""Running an editing U-Net on photos: its per-task configuration, its conditioning maps, and ``restore``.

The U-Net sees a conditioning stack next to the image (``conditioning``): channel 0 is the inpainting
mask (zeros for the other tasks); a task-conditioned model (``cond_channels = 1 + len(TASKS)``)
also gets a constant one-hot map of the task. Inpainting keeps the known pixels: ``paste_known`` takes
only the hole from the network, in training and in ``restore`` alike.
"""

from __future__ import annotations

import dataclasses

import torch

from ..models.unet import UNetConfig
from ..runtime import autocast, eval_mode
from .degrade import TASKS, check_task

# residual output per task, as measured (see the docstring of course_lib.models.unet)
RESIDUAL = {"denoise": False, "inpaint": False, "deblur": True, "enhance": True}



def unet_config(task: str | None, **changes) -> UNetConfig:
    """The U-Net for one task (mask channel, ``RESIDUAL[task]``), or with ``task=None`` one model for
    all tasks (mask + task one-hot, plain output); ``changes`` override fields (``width=32``)."""
    if task is None:
        return dataclasses.replace(UNetConfig(cond_channels=1 + len(TASKS)), **changes)
    return dataclasses.replace(UNetConfig(cond_channels=1, residual=RESIDUAL[check_task(task)]), **changes)


def conditioning(mask: torch.Tensor | None, task: str | None, cond_channels: int,
                 like: torch.Tensor) -> torch.Tensor | None:
    """The U-Net's extra input maps for images ``like`` (N, C, H, W): (N, cond_channels, H, W) or None.

    0 channels: None; 1: the mask (1 = missing, zeros when None); 1 + len(TASKS): mask + task one-hot.
    """
    n, _, h, w = like.shape
    if cond_channels == 0:
        return None
    if cond_channels not in (1, 1 + len(TASKS)):
        raise ValueError(f"cond_channels must be 0, 1 (mask) or {1 + len(TASKS)} (mask + one-hot of "
                         f"{', '.join(TASKS)}), got {cond_channels}.")
    maps = [like.new_zeros(n, 1, h, w) if mask is None else mask.to(like.dtype)]
    if cond_channels > 1:
        one_hot = like.new_zeros(n, len(TASKS), h, w)
        one_hot[:, TASKS.index(check_task(task))] = 1
        maps.append(one_hot)
    return torch.cat(maps, dim=1)


def patch_cond(cond: torch.Tensor | None, patch_d) -> torch.Tensor | None:
    """The first ``patch_d.cfg.cond_channels`` maps of the U-Net's conditioning (the mask)."""
    return None if cond is None or not patch_d.cfg.cond_channels else cond[:, :patch_d.cfg.cond_channels]


def paste_known(fake: torch.Tensor, degraded: torch.Tensor, mask: torch.Tensor | None) -> torch.Tensor:
    """The hole (mask 1) from ``fake``, every other pixel from ``degraded``; ``fake`` when mask is None."""
    return fake if mask is None else mask * fake + (1 - mask) * degraded


def restore(unet, degraded: torch.Tensor, mask: torch.Tensor | None = None, task: str | None = None,
            batch_size: int = 500) -> torch.Tensor:
    """Run the U-Net in eval mode without gradients: degraded (N, C, H, W) in [-1, 1] -> restored, same.

    ``task`` is needed by task-conditioned models only. With a mask, known pixels are kept and only
    the hole is taken from the network (as any photo editor does). The previous train/eval mode is
    restored.
    """
    device = next(unet.parameters()).device
    out = []
    with eval_mode(unet), torch.no_grad():
        for start in range(0, degraded.shape[0], batch_size):
            x = degraded[start: start + batch_size].to(device)
            m = None if mask is None else mask[start: start + batch_size].to(device)
            with autocast(device):
                y = unet(x, conditioning(m, task, unet.cfg.cond_channels, x)).float()
            out.append(paste_known(y, x, m))
    return torch.cat(out).to(degraded.device)
