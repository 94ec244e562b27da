"""GAN losses against values computed by hand from their definitions."""

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from course_lib.gan.losses import LOSSES, get_loss, get_regularizer, r1_penalty

REAL = [2.0, -1.0]
FAKE = [0.5, -3.0]


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


def mean(values):
    return sum(values) / len(values)


def logits(values):
    return torch.tensor(values, dtype=torch.float64)


# Each expected value is written from the loss's definition with math on plain floats.
EXPECTED = {
    "minimax": (
        -mean([math.log(sigmoid(r)) for r in REAL]) - mean([math.log(1 - sigmoid(f)) for f in FAKE]),
        mean([math.log(1 - sigmoid(f)) for f in FAKE]),
    ),
    "non_saturating": (
        -mean([math.log(sigmoid(r)) for r in REAL]) - mean([math.log(1 - sigmoid(f)) for f in FAKE]),
        -mean([math.log(sigmoid(f)) for f in FAKE]),
    ),
    "hinge": (mean([max(0, 1 - r) for r in REAL]) + mean([max(0, 1 + f) for f in FAKE]), -mean(FAKE)),
    "least_squares": (0.5 * mean([(r - 1) ** 2 for r in REAL]) + 0.5 * mean([f ** 2 for f in FAKE]),
                      0.5 * mean([(f - 1) ** 2 for f in FAKE])),
    "wasserstein": (mean(FAKE) - mean(REAL), -mean(FAKE)),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loss_matches_its_definition(name):
    loss = get_loss(name)
    d_expected, g_expected = EXPECTED[name]
    assert_close(loss.d_loss(logits(REAL), logits(FAKE)), torch.tensor(d_expected, dtype=torch.float64))
    assert_close(loss.g_loss(logits(FAKE)), torch.tensor(g_expected, dtype=torch.float64))


def test_literal_values_of_the_cross_entropy_losses():
    # (softplus(-2) + softplus(1)) / 2 + (softplus(0.5) + softplus(-3)) / 2; (softplus(-0.5) + softplus(3)) / 2
    assert_close(get_loss("minimax").d_loss(logits(REAL), logits(FAKE)).item(), 1.2314270, atol=1e-6, rtol=0)
    assert_close(get_loss("non_saturating").g_loss(logits(FAKE)).item(), 1.7613322, atol=1e-6, rtol=0)


def test_cross_entropy_matches_torch_bce_with_logits():
    real, fake = torch.randn(16), torch.randn(16)
    expected = (F.binary_cross_entropy_with_logits(real, torch.ones(16))
                + F.binary_cross_entropy_with_logits(fake, torch.zeros(16)))
    assert_close(get_loss("non_saturating").d_loss(real, fake), expected)
    assert_close(get_loss("non_saturating").g_loss(fake), F.binary_cross_entropy_with_logits(fake, torch.ones(16)))


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_losses_stay_finite_for_extreme_logits(name):
    real, fake = torch.tensor([100.0, -100.0]), torch.tensor([-100.0, 100.0])
    loss = get_loss(name)
    assert torch.isfinite(loss.d_loss(real, fake)) and torch.isfinite(loss.g_loss(fake))
    if loss.mismatched_d_loss is not None:
        assert torch.isfinite(loss.mismatched_d_loss(real, -real, fake))


def test_registry_lists_valid_names_for_an_unknown_loss():
    assert set(LOSSES) == {"minimax", "non_saturating", "hinge", "least_squares", "wasserstein", "matching_aware"}
    with pytest.raises(ValueError, match="unknown GAN loss 'bce'.*hinge.*least_squares.*minimax"):
        get_loss("bce")
    assert get_loss(LOSSES["hinge"]) is LOSSES["hinge"]


def test_score_and_accuracy():
    ns, ls, w = get_loss("non_saturating"), get_loss("least_squares"), get_loss("wasserstein")
    assert_close(ns.score(torch.tensor([0.0])), torch.tensor([0.5]))
    # real 2 > 0 right, -1 wrong; fake 0.5 wrong, -3 right
    assert ns.accuracy(torch.tensor(REAL), torch.tensor(FAKE)).item() == 0.5
    assert ls.accuracy(torch.tensor([0.9, 0.8]), torch.tensor([0.1, 0.6])).item() == 0.75
    # critic: midpoint of the means (0.5 and -1.25) is -0.375
    assert w.accuracy(torch.tensor(REAL), torch.tensor(FAKE)).item() == 0.5  # 2 and -3 right


def test_r1_penalty_of_a_linear_discriminator():
    weight = torch.tensor([[1.0, -2.0, 0.5, 3.0]])  # D(x) = w . x, so grad_x D = w everywhere

    def discriminator(x):
        return x.flatten(1) @ weight.T

    real = torch.randn(5, 1, 2, 2)
    expected = 0.5 * 10.0 * weight.pow(2).sum()
    assert_close(r1_penalty(discriminator, real, real, weight=10.0), expected)
    assert_close(get_regularizer("r1", 4.0)(discriminator, real, real, None), 0.5 * 4.0 * weight.pow(2).sum())
    assert get_regularizer("", 10.0) is None
    with pytest.raises(ValueError, match="unknown regularizer 'l2'.*gp.*r1"):
        get_regularizer("l2", 10.0)
