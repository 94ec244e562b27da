"""The colour edition as a dataset: images, categories and measured attributes of a Fashion-MNIST split.

``edition("train")`` tints the split (``colour.assign_colours``, seed 0 for train, 1 for test) and measures
every attribute with thresholds fitted on the full training split (``attributes.fit_thresholds``), so the
train and test splits, and every generated image, are judged by the same cut points.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ..data import load_fashion_mnist
from .attributes import Thresholds, fit_thresholds, measure
from .colour import assign_colours, tint

SPLIT_SEEDS = {"train": 0, "test": 1}


@dataclass(frozen=True)
class Edition:
    """images (N, 3, 28, 28) uint8 on white, labels (N,) int64, attributes: name -> (N,) int64."""

    images: torch.Tensor
    labels: torch.Tensor
    attributes: dict[str, torch.Tensor]

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index) -> Edition:
        """The images at ``index`` (a slice, or an index tensor)."""
        return Edition(self.images[index], self.labels[index], {k: v[index] for k, v in self.attributes.items()})

    def floats(self) -> torch.Tensor:
        """images as (N, 3, 28, 28) float32 in [-1, 1], the models' input."""
        return self.images.float().div(127.5).sub(1.0)


def tinted_split(split: str) -> tuple[torch.Tensor, torch.Tensor]:
    """(images (N, 3, 28, 28) uint8, labels (N,)) of one split of the colour edition."""
    if split not in SPLIT_SEEDS:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    grey, labels = load_fashion_mnist().split(split)
    return tint(grey, assign_colours(labels, seed=SPLIT_SEEDS[split])), labels


def training_thresholds() -> Thresholds:
    """The per-category cut points of the full training split."""
    images, labels = tinted_split("train")
    return fit_thresholds(images, labels)


def edition(split: str, thresholds: Thresholds, count: int | None = None) -> Edition:
    """The first ``count`` images (all when None) of a split, with their measured attributes."""
    images, labels = tinted_split(split)
    if count is not None:
        images, labels = images[:count], labels[:count]
    return Edition(images, labels, measure(images, labels, thresholds))


def thresholds_dict(thresholds: Thresholds) -> dict[str, torch.Tensor]:
    """The cut points as a plain dict of tensors (for model files)."""
    return {"tone": thresholds.tone, "width": thresholds.width, "pattern": thresholds.pattern}


def thresholds_from(values: dict) -> Thresholds:
    """The inverse of ``thresholds_dict``; ValueError naming what is missing or malformed."""
    try:
        return Thresholds(**{k: torch.as_tensor(values[k]).float() for k in ("tone", "width", "pattern")})
    except (KeyError, TypeError) as error:
        raise ValueError(f"attribute thresholds need tone, width and pattern tensors, got {sorted(values)}.") from error
