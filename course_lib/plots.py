"""Pictures: image grids (torchvision's ``make_grid``), training curves, and a Figure as PNG bytes for widgets.

Files are written through ``serialization.atomic_save``: a full disk leaves the previous file and raises a
``WriteError``.
"""

from __future__ import annotations

import io
import math
from collections import deque
from pathlib import Path

import matplotlib.pyplot as plt
import torch
from PIL import Image
from torchvision.utils import make_grid, save_image

from .serialization import atomic_save


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
    """Write images (N, C, H, W) in [-1, 1] to ``path`` as one grid (PNG, or the format of its suffix)."""
    image_format = Image.registered_extensions().get(Path(path).suffix.lower(), "PNG")
    atomic_save(to_unit(images), path, write=lambda unit, f: save_image(unit, f, format=image_format, nrow=nrow,
                                                                         padding=2, pad_value=1.0))


def save_figure(fig, path, dpi: int = 100) -> None:
    """Write a matplotlib Figure to ``path`` (the format of its suffix, else PNG), then close it."""
    image_format = Path(path).suffix[1:].lower() or "png"
    atomic_save(fig, path, write=lambda figure, f: figure.savefig(f, format=image_format, dpi=dpi))
    plt.close(fig)


def png_of(fig, dpi: int = 100, tight: bool = False) -> bytes:
    """The PNG bytes of a matplotlib Figure (for ``ipywidgets.Image(value=...)``); a pyplot figure is closed.

    tight: crop to the drawn content (``bbox_inches="tight"``).
    """
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, **({"bbox_inches": "tight"} if tight else {}))
    plt.close(fig)
    return buffer.getvalue()


def smooth(values: list[float], window: int) -> list[float]:
    """Trailing moving average (NaNs skipped), same length as ``values``."""
    out, total, count, queue = [], 0.0, 0, deque()
    for v in values:
        queue.append(v)
        if math.isfinite(v):
            total, count = total + v, count + 1
        if len(queue) > window:
            old = queue.popleft()
            if math.isfinite(old):
                total, count = total - old, count - 1
        out.append(total / count if count else math.nan)
    return out


PANELS = (("losses", ("d_loss", "g_loss")), ("D outputs", ("d_real", "d_fake")),
          ("gradient norms", ("d_grad_norm", "g_grad_norm")))


def plot_history(history, panels=PANELS, window: int | None = None, axes=None):
    """One panel per group of columns of a ``History``: raw values faint, a moving average on top.

    Returns the Figure.
    """
    history.flush()
    panels = [(title, [k for k in keys if k in history.values]) for title, keys in panels]
    panels = [(title, keys) for title, keys in panels if keys]
    if axes is None:
        _, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 3.2), squeeze=False)
        axes = axes[0]
    window = window or max(1, len(history.steps) // 50)
    for ax, (title, keys) in zip(axes, panels):
        for key in keys:
            line, = ax.plot(history.steps, history[key], alpha=0.25, linewidth=0.7)
            ax.plot(history.steps, smooth(history[key], window), color=line.get_color(), label=key)
        if title == "gradient norms":
            ax.set_yscale("log")
        ax.set_title(title)
        ax.set_xlabel("generator step")
        ax.legend(fontsize="small")
    fig = axes[0].figure
    fig.tight_layout()
    return fig


def plot_fid_curves(curves: dict[str, list[dict]], lines: dict[str, float], ylabel: str, path, title: str = "") -> None:
    """FID against training seconds, one line per run, known reference values as horizontal lines, to ``path``.

    curves: {label: [{"train_seconds": s, "fid": f}, ...]}; lines: {label: FID}. Log y axis.
    """
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for (label, curve), style in zip(curves.items(), ("o-", "s--", "^-.", "d:")):
        ax.plot([p["train_seconds"] for p in curve], [p["fid"] for p in curve], style, label=label)
    for (label, value), colour in zip(lines.items(), ("grey", "red", "orange", "purple", "brown")):
        ax.axhline(value, color=colour, lw=1, ls=":", label=f"{label}: {value:.2f}")
    ax.set(xlabel="seconds of training (scoring excluded)", ylabel=ylabel, yscale="log", title=title)
    ax.legend(fontsize=7)
    fig.tight_layout()
    save_figure(fig, path, dpi=110)
