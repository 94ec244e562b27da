"""KID, the kernel inception distance: the unbiased MMD² between generated and real features with the cubic
polynomial kernel k(x, y) = (x·y / D + 1)³, averaged over random subsets (torch-fidelity's implementation; lesson 06
writes the MMD² by hand). Unlike FID it has no bias in the sample count, so small sets compare fairly."""

from __future__ import annotations

import torch
from torch_fidelity.metric_kid import KEY_METRIC_KID_MEAN, KEY_METRIC_KID_STD, kid_features_to_metric

from .fidelity import choose_kid_subset_size


def kid(features: torch.Tensor, real_features: torch.Tensor, subsets: int = 100, subset_size: int | None = None,
        seed: int = 0) -> tuple[float, float]:
    """(mean, std) of KID between features (N, D) and real_features (M, D) over ``subsets`` random subsets.

    subset_size: None adapts to min(1000, N, M); a value larger than N or M raises ValueError.
    """
    size = choose_kid_subset_size(subset_size, features.shape[0], real_features.shape[0])
    out = kid_features_to_metric(features, real_features, kid_subsets=subsets, kid_subset_size=size, rng_seed=seed,
                                 verbose=False)
    return float(out[KEY_METRIC_KID_MEAN]), float(out[KEY_METRIC_KID_STD])
