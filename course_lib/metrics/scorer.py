"""One way to score a generator: FID against one fixed reference set, in the course classifier's features.

``FidScorer(reference)`` keeps the reference's statistics (torch-fidelity's mean and covariance), computed once;
each call extracts the generated images' features and applies torch-fidelity's formula, the one every FID the
course reports goes through. Without a reference it scores against the real test split, whose features and
statistics ``features.real_features`` caches on disk under a format marker. Used by ``evaluate``, ``train
--eval-every``, ``finetune``'s validation FID, ``bench``, the stability study (lesson 04) and the fine-tuning
study (lesson 08).

    scorer = FidScorer()                       # the real test split
    scorer(sample(generator, 1000, seed=0))    # -> float
"""

from __future__ import annotations

import torch
from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric

from .features import extract, make_extractor, real_features
from .fidelity import FashionFeatureExtractor


def statistics(features: torch.Tensor) -> dict:
    """torch-fidelity's FID statistics of features (N, D), N >= 2: {'mu': (D,), 'sigma': (D, D)}, float64."""
    if features.dim() != 2 or features.shape[0] < 2:
        raise ValueError(f"FID needs features (N, D) with N >= 2, got shape {tuple(features.shape)}.")
    return fid_features_to_statistics(features.detach().cpu())


def fid_of_statistics(generated: dict, reference: dict) -> float:
    """The Fréchet distance between two sets of statistics, with torch-fidelity's formula."""
    return float(fid_statistics_to_metric(generated, reference, verbose=False)[KEY_METRIC_FID])


class FidScorer:
    """FID of images against a fixed reference, the reference's statistics computed once.

    reference: images (M, 1, 28, 28) in [-1, 1], or None for the real test split (its statistics cached on disk).
    reference_features: (M, D) features of the course extractor instead of images (e.g. already extracted).
    extractor: the course extractor to share (default: a new one on ``device``, made when first needed).
    """

    def __init__(self, reference: torch.Tensor | None = None, extractor: FashionFeatureExtractor | None = None,
                 device: str | torch.device = "auto", batch_size: int = 500,
                 reference_features: torch.Tensor | None = None):
        self._extractor, self.device, self.batch_size = extractor, device, batch_size
        if reference_features is None and reference is not None:
            reference_features = self.features(reference)[0]
        if reference_features is not None:
            self.reference, self.reference_count = statistics(reference_features), reference_features.shape[0]
        else:
            real = real_features(self.extractor, "test", progress=False)
            self.reference, self.reference_count = real.statistics, real.features.shape[0]

    @property
    def extractor(self) -> FashionFeatureExtractor:
        """The course extractor the generated images go through (loaded on first use)."""
        if self._extractor is None:
            self._extractor = make_extractor(device=self.device)
        return self._extractor

    def features(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """images (N, 1, 28, 28) in [-1, 1] -> (features (N, D), logits (N, 10)), float32 on the CPU."""
        return extract(images, self.extractor, self.batch_size, progress=False)

    def score_features(self, features: torch.Tensor) -> float:
        """FID of features (N, D) of the course extractor against the reference."""
        return fid_of_statistics(statistics(features), self.reference)

    def __call__(self, images: torch.Tensor) -> float:
        """FID of images (N, 1, 28, 28) in [-1, 1], N >= 2, against the reference."""
        return self.score_features(self.features(images)[0])
