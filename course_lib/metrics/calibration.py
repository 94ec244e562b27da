"""Calibration points: the metrics of known, hand-made "generators", so a learner can read a number.

All are built from a seeded subset of the *train* split and scored against the test split like a real
generator: the real-vs-real floor (what a perfect generator would get at this sample size), then small
and large known damages. The values belong to the course extractor only; Inception FIDs differ.
"""

from __future__ import annotations

import dataclasses

import torch

from ..categories import CLASS_NAMES
from ..data import to_float
from ..data.corrupt import add_noise, gaussian_blur
from .evaluation import EvaluationConfig, evaluate_generator
from .features import dataset
from .result import Evaluation


def blur_3x3(images: torch.Tensor) -> torch.Tensor:
    """The calibration point's blur: 3 taps at sigma 1 px (``data.corrupt.gaussian_blur``); (N, 1, H, W) -> same."""
    return gaussian_blur(images, 1.0, kernel_size=3)


def calibration_points(n: int = 10_000, seed: int = 0, noise_sigma: float = 0.1, single_class: int = 0,
                       config: EvaluationConfig | None = None) -> dict[str, Evaluation]:
    """``{name: Evaluation}`` for the real floor, real + noise, real + blur and a single class.

    n: images per point (the single class has at most 6000: all its train images).
    config: how ``evaluate_generator`` scores each point (batch_size, device, cache_dir, progress, ...); its seed is
    replaced by ``seed``.
    """
    data = dataset()
    index = torch.randperm(data.train_images.shape[0], generator=torch.Generator().manual_seed(seed))[:n]
    real = to_float(data.train_images[index])
    one_class = to_float(data.train_images[data.train_labels == single_class][:n])
    sets = {
        "real train subset (floor)": real,
        f"real + noise sigma={noise_sigma:g} on [0, 1]": add_noise(real, noise_sigma, seed),
        "real + 3x3 blur": blur_3x3(real),
        f"one class only ({CLASS_NAMES[single_class]})": one_class,
    }
    config = dataclasses.replace(config or EvaluationConfig(), seed=seed)
    return {name: evaluate_generator(images, config) for name, images in sets.items()}
