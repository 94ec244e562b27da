"""Pictures: image grids (torchvision's ``make_grid``) and small matplotlib helpers."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from torchvision.utils import make_grid, save_image


def to_unit(images: torch.Tensor) -> torch.Tensor:
    """(N, C, H, W) in [-1, 1] -> same shape in [0, 1], clamped."""
    return images.detach().float().add(1).div(2).clamp(0, 1).cpu()


def image_grid(images: torch.Tensor, nrow: int = 8, padding: int = 2) -> torch.Tensor:
    """(N, C, H, W) in [-1, 1] -> (3, H', W') grid in [0, 1]."""
    return make_grid(to_unit(images), nrow=nrow, padding=padding, pad_value=1.0)


def show_images(images: torch.Tensor, nrow: int = 8, title: str | None = None, ax=None,
                figsize: tuple | None = None):
    """Draw images (N, C, H, W) in [-1, 1] as one grid; returns the matplotlib Axes."""
    grid = image_grid(images, nrow=nrow)
    if ax is None:
        rows = (images.shape[0] + nrow - 1) // nrow
        _, ax = plt.subplots(figsize=figsize or (min(nrow, images.shape[0]) * 0.9, rows * 0.9 + 0.4))
    ax.imshow(grid.permute(1, 2, 0).numpy(), interpolation="nearest")
    ax.set_axis_off()
    if title:
        ax.set_title(title)
    return ax


def save_grid(images: torch.Tensor, path, nrow: int = 8) -> None:
    """Write images (N, C, H, W) in [-1, 1] to ``path`` as one PNG grid."""
    save_image(to_unit(images), str(path), nrow=nrow, padding=2, pad_value=1.0)
