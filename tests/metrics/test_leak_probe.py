"""course_lib.metrics.leak_probe: it detects a leaked augmentation, not the identity."""

import torch

from course_lib.augment import cutout
from course_lib.metrics.leak_probe import fit_probe


def images(n=6, size=28, seed=0):
    """Seeded (n, 1, size, size) in [-1, 1] with a -1 background and a bright square 'product'."""
    g = torch.Generator().manual_seed(seed)
    x = torch.full((n, 1, size, size), -1.0)
    m = size // 5
    x[:, :, m:size - m, m + 1:size - m - 1] = torch.rand(n, 1, size - 2 * m, size - 2 * m - 2, generator=g) * 2 - 1
    return x


def test_probe_detects_erasing_and_not_identity():
    x = images(400, seed=1)
    erased = cutout(x, 8, 8, 12)
    acc_train, acc_test = fit_probe(erased[:200], x[200:300], erased[300:], x[300:], num_steps=60, seed=0)
    assert 0.95 <= acc_test <= 1.0 and 0.95 <= acc_train <= 1.0
    torch.manual_seed(5)
    expected_next = torch.rand(2)
    torch.manual_seed(5)
    same = fit_probe(x[:100], x[100:200], x[200:300], x[300:], num_steps=60, seed=0)
    torch.testing.assert_close(torch.rand(2), expected_next)  # the caller's random stream is untouched
    assert 0.3 <= same[1] <= 0.7
    assert fit_probe(x[:100], x[100:200], x[200:300], x[300:], num_steps=60, seed=0) == same  # seeded
