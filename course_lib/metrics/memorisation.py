"""Memorisation: how many generated images sit closer to a training image than new real photos of the same line do.

The check is in pixel space against held-out real images (lesson 08, and the fine-tuning study): new photos are
not copies, so the ``quantile`` of their nearest-training distances is the threshold under which a sample counts
as a likely copy. ``nearest.nearest_neighbours`` finds the pairs.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .nearest import nearest_neighbours


@dataclass(frozen=True)
class Memorisation:
    """share: samples whose nearest training image is closer than ``threshold``; threshold: the ``quantile``
    of held-out real images' nearest-training-image distances; distances, indices: (S,) per sample."""

    share: float
    threshold: float
    quantile: float
    distances: torch.Tensor
    indices: torch.Tensor


def copy_threshold(train: torch.Tensor, held_out: torch.Tensor, quantile: float = 0.05) -> float:
    """The ``quantile`` of held-out images' pixel distances to their nearest ``train`` image (both (N, 1, 28, 28))."""
    reference, _ = nearest_neighbours(held_out, train)
    return torch.quantile(reference, quantile).item()


def memorisation(samples: torch.Tensor, train: torch.Tensor, held_out: torch.Tensor, quantile: float = 0.05,
                 threshold: float | None = None) -> Memorisation:
    """How many samples sit closer to one of the ``train`` images than real images of the same line do.

    samples (S, 1, 28, 28), train (N, 1, 28, 28), held_out (M, 1, 28, 28), all in [-1, 1]; pixel distances.
    Held-out images are new photos, not copies, so at most ``quantile`` of them fall under the threshold: a
    generator that generalises shows about ``quantile``, one that copies its N images far more. ``threshold``:
    ``copy_threshold(train, held_out, quantile)`` computed before, to reuse it for several sample sets.
    """
    threshold = copy_threshold(train, held_out, quantile) if threshold is None else threshold
    distances, indices = nearest_neighbours(samples, train)
    return Memorisation((distances < threshold).float().mean().item(), threshold, quantile, distances, indices)
