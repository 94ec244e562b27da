"""The EMA copy of a generator: warm-up, the averaging formula, buffers, state."""

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from course_lib.gan.ema import EMA


def model():
    return nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))


def test_update_follows_the_formula_with_warm_up():
    live = model()
    ema = EMA(live, decay=0.999)
    start = live[0].weight.detach().clone()
    with torch.no_grad():
        live[0].weight.add_(1.0)
        live[1].running_mean.fill_(3.0)
    assert ema.current_decay() == pytest.approx(0.1)  # (1 + 0) / (10 + 0)
    ema.update(live)
    assert_close(ema.module[0].weight, 0.1 * start + 0.9 * (start + 1.0))
    assert torch.equal(ema.module[1].running_mean, torch.full((2,), 3.0))  # buffers copied, not averaged
    ema.num_updates = 10_000
    assert ema.current_decay() == 0.999


def test_copy_is_eval_mode_without_gradients_and_state_round_trips():
    live = model()
    ema = EMA(live, decay=0.9)
    assert not ema.module.training and not any(p.requires_grad for p in ema.module.parameters())
    ema.update(live)
    other = EMA(model(), decay=0.5)
    other.load_state_dict(ema.state_dict())
    assert other.num_updates == 1 and other.decay == 0.9
    assert all(torch.equal(a, b) for a, b in zip(other.module.parameters(), ema.module.parameters()))


def test_bad_decay():
    with pytest.raises(ValueError, match=r"decay must be in \[0, 1\)"):
        EMA(model(), decay=1.0)
