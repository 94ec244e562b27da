"""course_lib.gan.toy_problems: 1-D distances against scipy and closed forms, the 2-D critic fits."""

import math

import pytest
import scipy.spatial.distance
import scipy.stats
import torch
from torch.testing import assert_close

from course_lib.gan.toy_problems import (
    ToyCritic,
    critic_field,
    eight_gaussians,
    fit_critic,
    gaussian_blob,
    input_gradient_norms,
    interpolates,
    js_divergence,
    uniform_on_grid,
    wasserstein_1d,
)

GRID = torch.linspace(-3, 3, 6001, dtype=torch.float64)


def test_distances_match_scipy():
    g = torch.Generator().manual_seed(0)
    p, q = torch.rand(50, generator=g, dtype=torch.float64), torch.rand(50, generator=g, dtype=torch.float64)
    grid = torch.linspace(0, 7, 50, dtype=torch.float64)
    js = scipy.spatial.distance.jensenshannon(p.numpy(), q.numpy()) ** 2  # scipy gives the square root, base e
    assert_close(js_divergence(p, q).item(), js, rtol=1e-9, atol=1e-12)
    w = scipy.stats.wasserstein_distance(grid.numpy(), grid.numpy(), p.numpy(), q.numpy())
    assert_close(wasserstein_1d(p, q, grid).item(), w, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("theta", [0.0, 0.1, 0.2, 0.5, 2.0])
def test_shifted_uniforms_js_saturates_and_w_does_not(theta):
    width = 0.25
    p, q = uniform_on_grid(GRID, 0.0, width), uniform_on_grid(GRID, theta, width)
    assert_close(js_divergence(p, q).item(), min(theta / width, 1.0) * math.log(2), atol=2e-3, rtol=0)
    assert_close(wasserstein_1d(p, q, GRID).item(), theta, atol=2e-3, rtol=0)
    with pytest.raises(ValueError, match="holds no grid point"):
        uniform_on_grid(GRID, 5.0, 0.1)


def test_point_clouds():
    real = eight_gaussians(400, seed=1, std=0.0)
    assert real.shape == (400, 2)
    assert_close(real.norm(dim=1), torch.full((400,), 2.0))
    assert len({(round(x, 4), round(y, 4)) for x, y in real.tolist()}) == 8
    assert torch.equal(eight_gaussians(10, seed=3), eight_gaussians(10, seed=3))
    blob = gaussian_blob(4000, std=0.4)
    assert 0.35 < blob.std().item() < 0.45 and blob.mean(0).abs().max() < 0.05


def test_penalty_drives_gradient_norms_to_one_and_clipping_bounds_weights():
    real, fake = eight_gaussians(512), gaussian_blob(512)
    x_hat = interpolates(real, fake)
    torch.manual_seed(0)
    critic = ToyCritic(hidden=16, depth=2)
    estimates = fit_critic(critic, real, fake, num_steps=100, penalty_weight=10.0, batch_size=64, lr=3e-3)
    assert len(estimates) == 100 and estimates[-1] > estimates[0]
    median = input_gradient_norms(critic, x_hat).median().item()
    assert 0.8 < median < 1.2
    torch.manual_seed(0)
    clipped = ToyCritic(hidden=16, depth=2)
    fit_critic(clipped, real, fake, num_steps=20, penalty_weight=0.0, clip=0.05, batch_size=64)
    assert max(p.abs().max().item() for p in clipped.parameters()) <= torch.tensor(0.05).item()  # float32
    with pytest.raises(ValueError, match="penalty_weight must be >= 0"):
        fit_critic(clipped, real, fake, penalty_weight=-1.0)


def test_critic_field_orientation_and_gradients():
    critic = ToyCritic(hidden=4, depth=1)
    with torch.no_grad():  # C(x, y) = 3 x exactly: w1 = [1, 0] per unit, relu on x + 10 > 0 in the grid
        for p in critic.parameters():
            p.zero_()
        critic.net[0].weight[:, 0] = 1.0
        critic.net[0].bias[:] = 10.0
        critic.net[2].weight[:] = 0.75
    xs, ys, values, norms = critic_field(critic, extent=2.0, resolution=5)
    assert values.shape == norms.shape == (5, 5)
    assert_close(values[0], 3 * xs + 30)  # columns follow x
    assert_close(norms, torch.full((5, 5), 3.0))
