"""Per-class FID: one FID per class, real images of class c against the generated samples grouped into c.

Grouping: for an unconditional generator, the frozen extractor's predicted class (the only label there
is); for a conditional one, the label the sample was asked for, because that is what the user wants to
know: "how good are my sneakers?" A generator that ignores its labels then gets a bad per-class FID, and
GAN-test accuracy says why. Each class has ~N/10 samples, so per-class FIDs carry a larger small-sample
bias than the overall FID: compare them with each other and with the real-vs-real floor, not with it.
"""

from __future__ import annotations

import math

import torch

from ..categories import NUM_CLASSES
from .frechet import fid_torch_fidelity


def per_class_fid(features: torch.Tensor, groups: torch.Tensor, real_features: torch.Tensor,
                  real_labels: torch.Tensor, num_classes: int = NUM_CLASSES
                  ) -> tuple[tuple[float, ...], tuple[int, ...]]:
    """(FID per class, generated count per class); NaN where a class has fewer than 2 samples on a side.

    features: (N, D) generated features; groups: (N,) their class; real_features (M, D), real_labels (M,).
    """
    fids, counts = [], []
    for c in range(num_classes):
        mine, theirs = features[groups == c], real_features[real_labels == c]
        counts.append(int(mine.shape[0]))
        fids.append(fid_torch_fidelity(mine, theirs) if min(mine.shape[0], theirs.shape[0]) >= 2 else math.nan)
    return tuple(fids), tuple(counts)
