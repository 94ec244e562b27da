"""FID math by hand: against closed forms, an independent eigen-decomposition formula and torch-fidelity."""

import numpy as np
import pytest
import torch
from torch_fidelity.metric_fid import fid_features_to_statistics, fid_statistics_to_metric

from course_lib.metrics.frechet import feature_statistics, fid_from_features, frechet_distance


def random_covariance(rng: np.random.Generator, d: int) -> np.ndarray:
    a = rng.normal(size=(d, d))
    return a @ a.T / d + 0.1 * np.eye(d)


def reference_fid(mu1, sigma1, mu2, sigma2) -> float:
    """Independent formula: Tr((S1 S2)^1/2) = Tr((S1^1/2 S2 S1^1/2)^1/2), all roots via eigh."""
    def sqrt_psd(m):
        w, v = np.linalg.eigh(m)
        return (v * np.sqrt(np.clip(w, 0, None))) @ v.T
    root1 = sqrt_psd(sigma1)
    tr_covmean = np.trace(sqrt_psd(root1 @ sigma2 @ root1))
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(sigma1) + np.trace(sigma2) - 2 * tr_covmean)


def test_closed_form_for_diagonal_covariances():
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    s1, s2 = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 1.0])
    expected = 1 + 0 + 4 + np.sum(s1 + s2 - 2 * np.sqrt(s1 * s2))  # = 5 + (1 + 1 + 4) = 11
    assert frechet_distance(mu1, np.diag(s1), mu2, np.diag(s2)) == pytest.approx(expected, rel=1e-12)
    assert expected == pytest.approx(11.0)


def test_matches_an_independent_reference_on_random_gaussians():
    rng = np.random.default_rng(0)
    for d in (1, 5, 64):
        mu1, mu2 = rng.normal(size=d), rng.normal(size=d)
        s1, s2 = random_covariance(rng, d), random_covariance(rng, d)
        assert frechet_distance(mu1, s1, mu2, s2) == pytest.approx(reference_fid(mu1, s1, mu2, s2), rel=1e-8)


def test_same_set_is_zero_and_distance_is_symmetric():
    features = torch.randn(2000, 32, generator=torch.Generator().manual_seed(0)).relu()
    assert abs(fid_from_features(features, features)) < 1e-8
    other = features[:1000] * 1.3 + 0.2
    assert fid_from_features(features, other) == pytest.approx(fid_from_features(other, features), rel=1e-9)


def test_sample_fid_approaches_the_population_value():
    rng = np.random.default_rng(1)
    d, n = 8, 200_000
    mu1, mu2 = np.zeros(d), np.full(d, 0.5)
    s1, s2 = random_covariance(rng, d), random_covariance(rng, d)
    x = rng.multivariate_normal(mu1, s1, size=n)
    y = rng.multivariate_normal(mu2, s2, size=n)
    population = frechet_distance(mu1, s1, mu2, s2)
    assert fid_from_features(x, y) == pytest.approx(population, rel=0.02)


def test_matches_torch_fidelity_on_the_same_features():
    g = torch.Generator().manual_seed(2)
    f1 = torch.randn(3000, 128, generator=g).relu()
    f2 = (torch.randn(3000, 128, generator=g) * 1.2 + 0.1).relu()
    theirs = fid_statistics_to_metric(fid_features_to_statistics(f1), fid_features_to_statistics(f2), False)
    assert fid_from_features(f1, f2) == pytest.approx(theirs["frechet_inception_distance"], rel=1e-5)


def test_fewer_samples_than_dimensions_still_gives_a_finite_value():
    g = torch.Generator().manual_seed(3)
    value = fid_from_features(torch.randn(20, 64, generator=g), torch.randn(20, 64, generator=g))
    assert np.isfinite(value) and value > 0


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="shapes do not match"):
        frechet_distance(np.zeros(3), np.eye(3), np.zeros(4), np.eye(4))
    with pytest.raises(ValueError, match="N >= 2"):
        feature_statistics(torch.zeros(1, 5))
