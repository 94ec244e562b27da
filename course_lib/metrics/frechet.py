"""The Fréchet distance between two Gaussians: by hand with scipy (the math behind FID, which the lesson shows),
and ``fid_torch_fidelity``, torch-fidelity's statistics and formula, which every reported FID uses. The tests
compare the two.

    FID = ||mu1 - mu2||^2 + Tr(sigma1 + sigma2 - 2 (sigma1 sigma2)^(1/2))
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import torch
from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric


def feature_statistics(features) -> tuple[np.ndarray, np.ndarray]:
    """features (N, D), N >= 2 -> (mean (D,), covariance (D, D) with the N - 1 denominator), float64."""
    f = features.detach().cpu().double().numpy() if isinstance(features, torch.Tensor) else np.asarray(
        features, dtype=np.float64)
    if f.ndim != 2 or f.shape[0] < 2:
        raise ValueError(f"features must be (N, D) with N >= 2, got shape {f.shape}.")
    return f.mean(axis=0), np.cov(f, rowvar=False)


def frechet_distance(mu1, sigma1, mu2, sigma2, eps: float = 1e-6) -> float:
    """Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2).

    mu: (D,), sigma: (D, D). The matrix square root comes from ``scipy.linalg.sqrtm``; when the product
    is numerically singular (fewer samples than dimensions), ``eps`` is added to both diagonals first.
    """
    mu1, mu2 = np.atleast_1d(np.asarray(mu1, np.float64)), np.atleast_1d(np.asarray(mu2, np.float64))
    sigma1, sigma2 = np.atleast_2d(np.asarray(sigma1, np.float64)), np.atleast_2d(np.asarray(sigma2, np.float64))
    d = mu1.shape[0]
    if mu1.shape != (d,) or mu2.shape != (d,) or sigma1.shape != (d, d) or sigma2.shape != (d, d):
        raise ValueError(f"shapes do not match: mu1 {mu1.shape}, sigma1 {sigma1.shape}, "
                         f"mu2 {mu2.shape}, sigma2 {sigma2.shape}; expected (D,) and (D, D).")
    covmean = scipy.linalg.sqrtm(sigma1 @ sigma2)
    if not np.isfinite(covmean).all():
        offset = np.eye(d) * eps
        covmean = scipy.linalg.sqrtm((sigma1 + offset) @ (sigma2 + offset))
    if np.iscomplexobj(covmean):
        # round-off gives tiny imaginary parts; large ones mean the covariances are broken
        if not np.allclose(np.diagonal(covmean).imag, 0, atol=1e-3):
            raise ValueError(f"sqrtm produced imaginary parts up to {np.abs(covmean.imag).max():.3g}; "
                             "the covariances are not positive semi-definite (NaN features?).")
        covmean = covmean.real
    diff = mu1 - mu2
    return float(diff @ diff + np.trace(sigma1) + np.trace(sigma2) - 2.0 * np.trace(covmean))


def fid_from_features(features1, features2) -> float:
    """FID between two feature sets (N1, D) and (N2, D), arrays or tensors."""
    return frechet_distance(*feature_statistics(features1), *feature_statistics(features2))


def fid_torch_fidelity(features1: torch.Tensor, features2: torch.Tensor) -> float:
    """FID between (N1, D) and (N2, D) features with torch-fidelity's statistics and formula."""
    stats1, stats2 = fid_features_to_statistics(features1.cpu()), fid_features_to_statistics(features2.cpu())
    return fid_statistics_to_metric(stats1, stats2, verbose=False)[KEY_METRIC_FID]
