"""Small problems for the Wasserstein lesson: 1-D distances on a grid and a 2-D critic you can fit in a second.

1-D: ``js_divergence`` and ``wasserstein_1d`` of two distributions given as probabilities on a shared grid
(checked against scipy in the tests). 2-D: real points on a ring of eight Gaussians (Gulrajani et al.
2017, figure 1), a fixed "generator" blob, a small MLP critic, and ``fit_critic``, which trains it with a
gradient penalty, with weight clipping, or unconstrained, then ``critic_field`` maps its values and
gradient norms over the plane.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from ..runtime import autocast
from .losses import clip_weights, gradient_penalty, wasserstein_d_loss


def js_divergence(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """Jensen-Shannon divergence (natural log, in [0, log 2]) of two probability vectors (K,) on one grid."""
    p, q = p / p.sum(), q / q.sum()
    m = (p + q) / 2

    def kl(a: torch.Tensor) -> torch.Tensor:
        inside = a > 0  # 0 log 0 = 0
        return (a[inside] * (a[inside] / m[inside]).log()).sum()

    return (kl(p) + kl(q)) / 2


def wasserstein_1d(p: torch.Tensor, q: torch.Tensor, grid: torch.Tensor) -> torch.Tensor:
    """Earth mover's distance W1 between probability vectors p, q (K,) on the sorted points ``grid`` (K,).

    In 1-D, W1 = integral of |F_p - F_q| over x (F: cumulative distribution functions).
    """
    p, q = p / p.sum(), q / q.sum()
    gaps = grid[1:] - grid[:-1]  # (K-1,)
    return ((p.cumsum(0) - q.cumsum(0))[:-1].abs() * gaps).sum()


def uniform_on_grid(grid: torch.Tensor, low: float, width: float) -> torch.Tensor:
    """Probabilities (K,) of U[low, low + width] on ``grid`` (K,), each grid point weighing its cell."""
    p = ((grid >= low) & (grid < low + width)).double()
    if p.sum() == 0:
        raise ValueError(f"U[{low}, {low + width}] holds no grid point: use a finer or wider grid.")
    return p / p.sum()


def eight_gaussians(n: int, seed: int = 0, radius: float = 2.0, std: float = 0.05) -> torch.Tensor:
    """n points (n, 2) from eight Gaussians of standard deviation ``std`` evenly spaced on a circle."""
    g = torch.Generator().manual_seed(seed)
    angle = torch.randint(0, 8, (n,), generator=g) * (2 * math.pi / 8)
    centres = radius * torch.stack([angle.cos(), angle.sin()], dim=1)
    return centres + std * torch.randn(n, 2, generator=g)


def gaussian_blob(n: int, seed: int = 1, centre: tuple[float, float] = (0.0, 0.0), std: float = 0.4) -> torch.Tensor:
    """n points (n, 2) from N(centre, std^2 I): a generator that has not learnt the ring yet."""
    g = torch.Generator().manual_seed(seed)
    return torch.tensor(centre) + std * torch.randn(n, 2, generator=g)


class ToyCritic(nn.Module):
    """points (N, 2) -> scores (N,): an MLP with ReLU, no normalisation."""

    def __init__(self, hidden: int = 64, depth: int = 3):
        super().__init__()
        layers, width = [], 2
        for _ in range(depth):
            layers += [nn.Linear(width, hidden), nn.ReLU()]
            width = hidden
        self.net = nn.Sequential(*layers, nn.Linear(width, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (N, 2) -> (N,)."""
        return self.net(x).squeeze(1)


def fit_critic(critic: nn.Module, real: torch.Tensor, fake: torch.Tensor, num_steps: int = 300,
               penalty_weight: float = 10.0, clip: float | None = None, batch_size: int = 256,
               lr: float = 1e-3, seed: int = 0, precision: str = "fp32") -> list[float]:
    """Train ``critic`` to separate ``real`` from ``fake`` (pools (N, 2)) with the Wasserstein loss.

    penalty_weight: lambda of the gradient penalty (0 = none); clip: clamp every weight to [-clip, clip]
    after each step (None = no clipping). precision: 'fp32' or 'bf16' (autocast around the loss and the
    penalty, as the trainer runs them). Returns the critic's estimate E[C(real)] - E[C(fake)] per step.
    """
    if num_steps < 1:
        raise ValueError(f"num_steps must be at least 1, got {num_steps}.")
    if penalty_weight < 0:
        raise ValueError(f"penalty_weight must be >= 0, got {penalty_weight}.")
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(critic.parameters(), lr=lr, betas=(0.5, 0.9))
    if clip is not None:
        clip_weights(critic, clip)  # start inside the box as well
    estimates = []
    for _ in range(num_steps):
        r = real[torch.randint(0, len(real), (batch_size,), generator=g)]
        f = fake[torch.randint(0, len(fake), (batch_size,), generator=g)]
        eps = torch.rand(batch_size, generator=g)
        with autocast(r.device, precision):
            loss = wasserstein_d_loss(critic(r).float(), critic(f).float())
            total = loss
            if penalty_weight > 0:
                total = loss + gradient_penalty(critic, r, f, weight=penalty_weight, eps=eps)
        opt.zero_grad(set_to_none=True)
        total.backward()
        opt.step()
        if clip is not None:
            clip_weights(critic, clip)
        estimates.append(-loss.item())
    return estimates


def input_gradient_norms(critic: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """||grad_x C(x)||_2 for each row of x (N, D) -> (N,)."""
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(critic(x).sum(), x)
    return grad.flatten(1).norm(dim=1)


def interpolates(real: torch.Tensor, fake: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """eps * real + (1 - eps) * fake with one eps ~ U[0, 1] per row: where the penalty looks. (N, D)."""
    eps = torch.rand(real.size(0), 1, generator=torch.Generator().manual_seed(seed))
    return eps * real + (1 - eps) * fake


def critic_field(critic: nn.Module, extent: float = 3.0, resolution: int = 80):
    """(xs (R,), ys (R,), values (R, R), gradient norms (R, R)) of the critic on a square grid.

    Row i of the maps is ys[i], column j is xs[j] (``plt.contourf(xs, ys, values)`` order).
    """
    xs = torch.linspace(-extent, extent, resolution)
    grid_y, grid_x = torch.meshgrid(xs, xs, indexing="ij")
    points = torch.stack([grid_x.flatten(), grid_y.flatten()], dim=1)  # (R*R, 2)
    with torch.no_grad():
        values = critic(points).reshape(resolution, resolution)
    norms = input_gradient_norms(critic, points).reshape(resolution, resolution)
    return xs, xs.clone(), values, norms
