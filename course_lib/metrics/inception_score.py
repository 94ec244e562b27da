"""IS, the inception score: exp(E_x KL(p(y|x) || p(y))) from the classifier's logits, in ``splits`` shuffled
splits (torch-fidelity's implementation). High when each sample is classified confidently and the classes are
balanced; it never looks at real images, so it cannot see a generator that copies or drops detail."""

from __future__ import annotations

import torch
from torch_fidelity.metric_isc import KEY_METRIC_ISC_MEAN, KEY_METRIC_ISC_STD, isc_features_to_metric


def inception_score(logits: torch.Tensor, splits: int = 10, seed: int = 0) -> tuple[float, float]:
    """(mean, std) of the inception score of logits (N, classes) over min(splits, N) shuffled splits."""
    out = isc_features_to_metric(logits, splits=min(splits, logits.shape[0]), shuffle=True, rng_seed=seed)
    return float(out[KEY_METRIC_ISC_MEAN]), float(out[KEY_METRIC_ISC_STD])
