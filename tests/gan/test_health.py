"""Health checks: non-finite values stop training; collapse signs raise warnings."""

from types import SimpleNamespace

import pytest
import torch
from torch import nn

from course_lib.gan.health import (
    HealthMonitor,
    HealthWarning,
    NonFiniteLossError,
    check_finite,
    diversity_ratio,
    mean_pairwise_distance,
)
from course_lib.gan.history import History
from course_lib.gan.losses import get_loss


def test_check_finite_names_the_step_and_the_value():
    check_finite({"step": [1, 2], "d_loss": [0.1, 0.2]})
    with pytest.raises(NonFiniteLossError, match=r"(?s)g_loss became inf at step 7.*lower the learning rates"):
        check_finite({"step": [6, 7], "d_loss": [0.1, 0.2], "g_loss": [1.0, float("inf")]})


def test_mean_pairwise_distance_by_hand():
    images = torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 4.0]]).reshape(3, 1, 1, 2)
    assert mean_pairwise_distance(images) == pytest.approx((5 + 4 + 3) / 3)
    assert diversity_ratio(images[:1].expand(3, 1, 1, 2), images) == 0.0
    with pytest.raises(ValueError, match="at least 2 images"):
        mean_pairwise_distance(images[:1])


class Collapsed(nn.Module):
    """A generator that ignores z (scale 0) or passes it through (scale 1)."""

    def __init__(self, scale):
        super().__init__()
        self.latent_dim, self.scale, self.dummy = 4, scale, nn.Parameter(torch.zeros(()))

    def forward(self, z):
        return (self.scale * z + self.dummy).reshape(-1, 1, 2, 2)


def fake_trainer(step, d_acc, generator, loss="non_saturating"):
    history = History()
    for i, acc in enumerate(d_acc, start=1):
        history.push(i, {"d_acc": torch.tensor(acc)})
    history.flush()
    return SimpleNamespace(step=step, history=history, loss=get_loss(loss), generator=generator)


def test_warns_once_when_the_discriminator_wins_for_too_long():
    monitor = HealthMonitor(torch.randn(16, 1, 2, 2), patience=5, min_step=10**9)
    with pytest.warns(HealthWarning, match="classified >= 99% of images correctly for the last 5 steps"):
        monitor(fake_trainer(6, [0.5] + [1.0] * 5, Collapsed(1)))
    monitor(fake_trainer(7, [1.0] * 7, Collapsed(1)))  # still pinned: no second warning
    assert len(monitor.messages) == 1
    monitor(fake_trainer(8, [1.0] * 7 + [0.6], Collapsed(1)))  # recovered, then pinned again: warn again
    with pytest.warns(HealthWarning):
        monitor(fake_trainer(13, [1.0] * 13, Collapsed(1)))


def test_no_accuracy_warning_for_a_critic():
    monitor = HealthMonitor(torch.randn(16, 1, 2, 2), patience=3, min_step=10**9)
    monitor(fake_trainer(5, [1.0] * 5, Collapsed(1), loss="wasserstein"))
    assert monitor.messages == []


def test_warns_about_collapsed_samples_only():
    real = torch.randn(32, 1, 2, 2)
    healthy = HealthMonitor(real, min_step=0)
    healthy(fake_trainer(1, [0.5], Collapsed(1.0)))
    assert healthy.messages == [] and 0.7 < healthy.diversity[0][1] < 1.3  # N(0, I) like the reals
    collapsed = HealthMonitor(real, min_step=0)
    with pytest.warns(HealthWarning, match="only 0.00x as varied as real images"):
        collapsed(fake_trainer(1, [0.5], Collapsed(0.0)))
