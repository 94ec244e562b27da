"""The metrics of a generated set, by name: what each needs, what it gives and which way is better.

Every entry is ``Metric(compute, keys, better)`` with one signature, ``compute(generated, real, config) ->
{key: float}``: ``generated`` and ``real`` are ``Sets`` (features (N, D), logits (N, classes), pixels (N, 1, H, W)
in [-1, 1], whichever the metric reads), ``config`` an ``EvaluationConfig`` (its seed, subset sizes, k).
``evaluate_generator`` computes the names in ``EvaluationConfig.metrics`` through this table, so a new metric
is one file and one entry (torch-fidelity keeps its metrics the same way). Memorisation is measured against the
training images, so its ``real`` holds them, with the held-out images that set its threshold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from .fidelity import choose_kid_subset_size
from .frechet import fid_torch_fidelity
from .inception_score import inception_score
from .kid import kid
from .memorisation import memorisation
from .prc import precision_recall


@dataclass(frozen=True)
class Sets:
    """One side of a comparison: features (N, D), logits (N, classes), pixels (N, 1, H, W) in [-1, 1],
    held_out (M, 1, H, W): new real images (memorisation's threshold); radii: the real side's k-NN radii, when
    known (precision/recall on the full split reuse them)."""

    features: torch.Tensor | None = None
    logits: torch.Tensor | None = None
    pixels: torch.Tensor | None = None
    held_out: torch.Tensor | None = None
    radii: torch.Tensor | None = None


@dataclass(frozen=True)
class Metric:
    """compute: (generated Sets, real Sets, config) -> {key: value}; keys: what it returns; better: 'lower' or
    'higher' for its first key; needs: which field of ``Sets`` it reads."""

    compute: Callable[[Sets, Sets, object], dict[str, float]]
    keys: tuple[str, ...]
    better: str
    needs: str


def fid(generated: Sets, real: Sets, config) -> dict[str, float]:
    return {"fid": fid_torch_fidelity(generated.features, real.features)}


def kid_metric(generated: Sets, real: Sets, config) -> dict[str, float]:
    size = choose_kid_subset_size(config.kid_subset_size, len(generated.features), len(real.features))
    mean, std = kid(generated.features, real.features, config.kid_subsets, size, config.seed)
    return {"kid_mean": mean, "kid_std": std, "kid_subset_size": size}


def is_metric(generated: Sets, real: Sets, config) -> dict[str, float]:
    mean, std = inception_score(generated.logits, config.isc_splits, config.seed)
    return {"is_mean": mean, "is_std": std}


def prc(generated: Sets, real: Sets, config) -> dict[str, float]:
    precision, recall = precision_recall(generated.features, real.features, config.prc_neighborhood,
                                         real_radii=real.radii)
    return {"precision": precision, "recall": recall}


def memorisation_metric(generated: Sets, real: Sets, config) -> dict[str, float]:
    found = memorisation(generated.pixels, real.pixels, real.held_out, quantile=config.memorisation_quantile)
    return {"memorised": found.share, "copy_threshold": found.threshold}


METRICS: dict[str, Metric] = {
    "fid": Metric(fid, ("fid",), "lower", "features"),
    "kid": Metric(kid_metric, ("kid_mean", "kid_std", "kid_subset_size"), "lower", "features"),
    "is": Metric(is_metric, ("is_mean", "is_std"), "higher", "logits"),
    "precision_recall": Metric(prc, ("precision", "recall"), "higher", "features"),
    "memorisation": Metric(memorisation_metric, ("memorised", "copy_threshold"), "lower", "pixels"),
}


def get_metric(name: str) -> Metric:
    """The registry entry ``name``; ValueError listing the known names otherwise."""
    if name not in METRICS:
        raise ValueError(f"unknown metric {name!r}; known: {', '.join(METRICS)}.")
    return METRICS[name]
