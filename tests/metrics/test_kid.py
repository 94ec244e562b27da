"""course_lib.metrics.kid against the unbiased MMD² written out, and its subset-size rule."""

import pytest
import torch

from course_lib.metrics.kid import kid


def mmd2_unbiased(x: torch.Tensor, y: torch.Tensor) -> float:
    """The unbiased MMD² with k(a, b) = (a·b / D + 1)³, the diagonals left out."""
    d = x.shape[1]
    k = lambda a, b: (a @ b.T / d + 1) ** 3  # noqa: E731
    kxx, kyy, kxy = k(x, x), k(y, y), k(x, y)
    m, n = x.shape[0], y.shape[0]
    return ((kxx.sum() - kxx.trace()) / (m * (m - 1)) + (kyy.sum() - kyy.trace()) / (n * (n - 1))
            - 2 * kxy.mean()).item()


def test_one_subset_of_everything_is_the_unbiased_mmd2():
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(60, 8, generator=g, dtype=torch.float64), torch.randn(60, 8, generator=g, dtype=torch.float64)
    y = y + 0.5
    mean, std = kid(x, y, subsets=1, subset_size=60)
    assert mean == pytest.approx(mmd2_unbiased(x, y), rel=1e-9) and std == 0.0


def test_the_same_distribution_scores_near_zero_and_a_shifted_one_higher():
    g = torch.Generator().manual_seed(1)
    a, b = torch.randn(300, 8, generator=g), torch.randn(300, 8, generator=g)
    same, _ = kid(a, b, subsets=20, subset_size=100)
    shifted, _ = kid(a, b + 1.0, subsets=20, subset_size=100)
    assert abs(same) < 0.05 < shifted


def test_a_subset_larger_than_an_input_is_refused_and_none_adapts():
    x = torch.randn(30, 4)
    with pytest.raises(ValueError, match="kid_subset_size=50"):
        kid(x, torch.randn(40, 4), subset_size=50)
    y = torch.randn(40, 4, generator=torch.Generator().manual_seed(2))
    assert kid(x, y, subsets=3) == kid(x, y, subsets=3, subset_size=30)  # unset: min(1000, 30, 40)
