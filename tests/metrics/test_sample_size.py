"""course_lib.metrics.sample_size: FID's bias shrinks with n, KID's mean does not move; seeded; errors."""

import pytest
import torch

from course_lib.metrics.sample_size import metrics_vs_sample_size


def test_same_distribution_fid_bias_falls_and_kid_stays_near_zero():
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(2000, 8, generator=g), torch.randn(2000, 8, generator=g)
    curve = metrics_vs_sample_size(a, b, sizes=(50, 400, 2000), repeats=3, kid_subsets=5)
    assert curve.sizes == (50, 400, 2000)
    assert curve.fid_mean[0] > 4 * curve.fid_mean[1] > 4 * curve.fid_mean[2] > 0  # bias ~ 1/n
    assert all(abs(mean) < 0.05 for mean in curve.kid_mean)
    assert curve.fid_std[2] < 1e-6  # n = the whole set: every repeat draws the same images
    assert curve == metrics_vs_sample_size(a, b, sizes=(50, 400, 2000), repeats=3, kid_subsets=5)


def test_shifted_distribution_keeps_a_positive_kid_at_every_n():
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(1000, 8, generator=g), torch.randn(1000, 8, generator=g) + 1.0
    curve = metrics_vs_sample_size(a, b, sizes=(100, 1000), repeats=2, kid_subsets=5)
    assert min(curve.kid_mean) > 0.3 and min(curve.fid_mean) > 7  # ||shift||² = 8


def test_sizes_out_of_range():
    with pytest.raises(ValueError, match=r"sizes must lie in \[2, 10\]"):
        metrics_vs_sample_size(torch.zeros(10, 2), torch.zeros(20, 2), sizes=(5, 11))
