"""course_lib.text2img.flow against a closed form: Gaussian noise to a Gaussian "catalog".

With x_0 ~ N(0, I), x_1 ~ N(mu, s^2 I) drawn independently and x_t = (1 - t) x_0 + t x_1, the best velocity is
E[x_1 - x_0 | x_t = x] = mu + c(t) (x - t mu), c(t) = (t s^2 - (1 - t)) / ((1 - t)^2 + t^2 s^2), its loss per pixel
is the conditional variance (1 + s^2) - (t s^2 - (1 - t))^2 / ((1 - t)^2 + t^2 s^2), and its flow carries each
x_0 to exactly mu + s x_0 at t = 1.
"""

import math

import pytest
import torch

from course_lib.text2img.flow import (
    FlowGenerator,
    check_sampling,
    flow_matching_loss,
    guided_velocity,
    interpolate,
    sample,
    velocity_calls,
)

MU, S = 0.7, 0.4


def best_velocity(x, t, e=None, drop=None):
    t4 = t.view(-1, 1, 1, 1).double()
    c = (t4 * S ** 2 - (1 - t4)) / ((1 - t4) ** 2 + t4 ** 2 * S ** 2)
    return (MU + c * (x.double() - t4 * MU)).to(x.dtype)


def irreducible_loss(t: float) -> float:
    return (1 + S ** 2) - (t * S ** 2 - (1 - t)) ** 2 / ((1 - t) ** 2 + t ** 2 * S ** 2)


def draws(n=4000, seed=0):
    g = torch.Generator().manual_seed(seed)
    x0 = torch.randn(n, 1, 4, 4, generator=g, dtype=torch.float64)
    x1 = MU + S * torch.randn(n, 1, 4, 4, generator=g, dtype=torch.float64)
    return x0, x1


@pytest.mark.parametrize("t", [0.1, 0.5, 0.9])
def test_loss_of_the_best_velocity_is_the_conditional_variance(t):
    x0, x1 = draws()
    times = torch.full((len(x0),), t, dtype=torch.float64)
    loss = flow_matching_loss(best_velocity, x1, None, times, x0).item()
    assert loss == pytest.approx(irreducible_loss(t), rel=0.03)
    # the usual slips give another number: a reversed target, or the path run backwards
    reversed_target = (best_velocity(interpolate(x0, x1, times), times) - (x0 - x1)).square().mean().item()
    backwards = flow_matching_loss(best_velocity, x0, None, times, x1).item()
    assert reversed_target > 2 * loss and abs(backwards - loss) > 0.1 * loss


def test_interpolation_ends_at_noise_and_image_and_broadcasts_per_image():
    x0, x1 = torch.zeros(2, 1, 2, 2), torch.ones(2, 1, 2, 2)
    out = interpolate(x0, x1, torch.tensor([0.0, 1.0]))
    assert out[0].eq(0).all() and out[1].eq(1).all()


@pytest.mark.parametrize("method,steps,tol", [("euler", 200, 2e-2), ("heun", 32, 2e-3)])
def test_the_sampler_carries_noise_to_mu_plus_s_noise(method, steps, tol):
    x0, _ = draws(64)
    out = sample(best_velocity, x0, None, steps, method=method)
    torch.testing.assert_close(out, MU + S * x0, atol=tol, rtol=0)


def test_heun_is_second_order_and_euler_first():
    x0, _ = draws(64)
    err = {(m, k): (sample(best_velocity, x0, None, k, method=m) - (MU + S * x0)).abs().max().item()
           for m in ("euler", "heun") for k in (8, 16)}
    assert 1.6 < err["euler", 8] / err["euler", 16] < 2.5
    assert err["heun", 8] / err["heun", 16] > 3.2


def test_guidance_extrapolates_from_the_unconditional_velocity():
    def velocity(x, t, e, drop):
        cond = e.view(-1, 1, 1, 1).expand_as(x)
        return torch.where(drop.view(-1, 1, 1, 1), torch.zeros_like(x), cond) if drop is not None else cond

    x, t, e = torch.zeros(3, 1, 2, 2), torch.rand(3), torch.tensor([1.0, -2.0, 0.5])
    torch.testing.assert_close(guided_velocity(velocity, x, t, e, 1.0), e.view(-1, 1, 1, 1).expand_as(x))
    torch.testing.assert_close(guided_velocity(velocity, x, t, e, 3.0), 3 * e.view(-1, 1, 1, 1).expand_as(x))
    torch.testing.assert_close(guided_velocity(velocity, x, t, e, 0.0), torch.zeros_like(x))


@pytest.mark.parametrize("steps,guidance,method,match", [
    (0, 1.0, "euler", "at least 1"), (-3, 1.0, "euler", "at least 1"), (2.5, 1.0, "euler", "whole number"),
    (4, math.nan, "euler", "finite"), (4, math.inf, "euler", "finite"), (4, -1.0, "euler", ">= 0"),
    (4, 1.0, "rk4", "euler, heun")])
def test_bad_sampler_settings_are_refused(steps, guidance, method, match):
    with pytest.raises(ValueError, match=match):
        check_sampling(steps, guidance, method)


def test_velocity_calls():
    assert velocity_calls(16, 1.0, "euler") == 16
    assert velocity_calls(16, 2.0, "euler") == 32
    assert velocity_calls(8, 2.0, "heun") == 32


def test_flow_generator_is_a_generator_with_settings():
    class Net(torch.nn.Module):
        latent_shape = (1, 4, 4)
        cfg = None

        def forward(self, x, t, e, drop=None):
            return best_velocity(x, t)

    gen = FlowGenerator(Net(), steps=32, guidance=1.0, method="heun")
    z = torch.randn(5, 16)
    out = gen(z, torch.zeros(5, 3))
    assert gen.latent_dim == 16 and out.shape == (5, 1, 4, 4) and out.abs().max() <= 1
    torch.testing.assert_close(out, (MU + S * z.view(5, 1, 4, 4)).clamp(-1, 1), atol=2e-3, rtol=0)
    assert gen.configure(steps=2).steps == 2 and gen.guidance == 1.0
    with pytest.raises(ValueError, match="finite"):
        gen.configure(guidance=float("nan"))
    assert gen.steps == 2
