"""course_lib.metrics.leak_probe: it detects a leaked augmentation, not the identity."""

import torch
from samples import square_products as images

from course_lib.data.augment import cutout
from course_lib.metrics.leak_probe import fit_probe


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


def test_bf16_autocasts_the_forward_passes_and_still_detects_erasing():
    x = images(400, seed=1)
    erased = cutout(x, 8, 8, 12)
    _, acc_test = fit_probe(erased[:200], x[200:300], erased[300:], x[300:], num_steps=60, seed=0, precision="bf16")
    assert 0.95 <= acc_test <= 1.0
