"""course_lib.exercises.lesson02: the reference passes; typical mistakes fail with their specific hint."""

import torch
import torch.nn.functional as F

from course_lib.exercises.lesson02 import (
    check_d_step,
    check_non_saturating_loss,
    reference_d_step,
    reference_non_saturating_loss,
    run_d_step,
)
from course_lib.gan.losses import minimax_d_loss


def make_d_step(flip=False, detach=True, zero_grad=True, halve=False):
    """A d_step with chosen mistakes."""
    def d_step(generator, discriminator, opt_d, real, z):
        fake = generator(z)
        if detach:
            fake = fake.detach()
        real_logits, fake_logits = discriminator(real), discriminator(fake)
        if flip:
            real_logits, fake_logits = fake_logits, real_logits
        loss = minimax_d_loss(real_logits, fake_logits) * (0.5 if halve else 1.0)
        if zero_grad:
            opt_d.zero_grad()
        loss.backward()
        opt_d.step()
        return loss.detach()
    return d_step


def test_reference_and_a_correct_bce_version_pass():
    assert check_d_step(reference_d_step)

    def with_bce(generator, discriminator, opt_d, real, z):
        with torch.no_grad():
            fake = generator(z)
        real_logits, fake_logits = discriminator(real), discriminator(fake)
        loss = (F.binary_cross_entropy_with_logits(real_logits, torch.ones_like(real_logits))
                + F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits)))
        opt_d.zero_grad()
        loss.backward()
        opt_d.step()
        return loss
    result = check_d_step(with_bce)
    assert result, result


def test_not_written_yet():
    def todo(generator, discriminator, opt_d, real, z):
        raise NotImplementedError
    result = check_d_step(todo)
    assert not result and "not written yet" in result.message


def test_forgot_detach_is_caught_with_its_hint():
    result = check_d_step(make_d_step(detach=False))
    assert not result
    assert "forgot to detach" in result.message
    assert "flipped" not in result.message


def test_leak_is_measured():
    _, _, leaked = run_d_step(make_d_step(detach=False), 0)
    assert leaked.item() > 1e-4
    _, _, none = run_d_step(reference_d_step, 0)
    assert none.item() == 0.0


def test_flipped_labels_are_caught_with_their_hint():
    result = check_d_step(make_d_step(flip=True))
    assert not result
    assert "labels are flipped" in result.message
    assert "detach" not in result.message


def test_missing_zero_grad_and_halved_loss():
    result = check_d_step(make_d_step(zero_grad=False))
    assert not result and "zero_grad" in result.message
    result = check_d_step(make_d_step(halve=True))
    assert not result and "half the reference" in result.message


def test_non_saturating_reference_passes_and_is_finite_at_extremes():
    assert check_non_saturating_loss(reference_non_saturating_loss)
    assert check_non_saturating_loss(lambda logits: F.binary_cross_entropy_with_logits(
        logits, torch.ones_like(logits)))
    value = reference_non_saturating_loss(torch.tensor([-200.0]))
    torch.testing.assert_close(value, torch.tensor(200.0))


def test_non_saturating_mistakes_get_their_hints():
    cases = {
        "underflows": lambda x: -torch.log(torch.sigmoid(x)).mean(),
        "minimax (saturating)": lambda x: -F.softplus(x).mean(),
        "Wrong sign": lambda x: -F.softplus(-x).mean(),
        "target 0": lambda x: F.softplus(x).mean(),
        "summed over the batch": lambda x: F.softplus(-x).sum(),
        "0-dim tensor": lambda x: F.softplus(-x),
    }
    for hint, fn in cases.items():
        result = check_non_saturating_loss(fn)
        assert not result, hint
        assert hint in result.message, (hint, result.message)


def test_not_a_function():
    assert not check_d_step(3)
    assert not check_non_saturating_loss(None)
