"""Flow matching, written out: the loss, classifier-free guidance and the sampler of lesson 10.

Rectified flow (Liu et al. 2023; flow matching, Lipman et al. 2023) joins a noise image x_0 ~ N(0, I) and a
catalog image x_1 by a straight line, x_t = (1 − t)·x_0 + t·x_1 for t in [0, 1], whose velocity is the constant
x_1 − x_0. A network v(x_t, t, e) learns it by regression:

    L = E_{x_0, x_1, t} || v(x_t, t, e) − (x_1 − x_0) ||²,   t ~ U(0, 1).

Its minimiser is the average velocity of all lines through x_t, E[x_1 − x_0 | x_t]; integrating
dx/dt = v(x, t, e) from noise at t = 0 to t = 1 then carries N(0, I) to the images of caption e. It is a plain
regression with a fixed target: no second network to chase, which is why it trains as steadily as lesson 05's
U-Net and unlike lesson 02's game.

Classifier-free guidance (Ho & Salimans 2022): in training the caption is dropped (replaced by the network's
"no caption" embedding) with probability p; in sampling, v = v(x, t, ∅) + w·(v(x, t, e) − v(x, t, ∅)). w = 1 is the
plain conditional model, w > 1 follows the caption more closely and varies less.

Every function takes the velocity as any callable ``velocity(x, t, e, drop)`` (a ``models.flow.VelocityNet``,
or a closed form in the tests). ``FlowGenerator`` wraps a network and its sampler settings behind a generator's
interface, ``forward(z, e)``, so lesson 07's evaluation scores it like the GAN.
"""

from __future__ import annotations

import math

import torch
from torch import nn

METHODS = ("euler", "heun")


def interpolate(x0: torch.Tensor, x1: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """x_t = (1 − t)·x0 + t·x1: (N, C, H, W) noise and images, t (N,) broadcast per image."""
    t = t.view(-1, *([1] * (x1.dim() - 1))).to(x1.dtype)
    return (1 - t) * x0 + t * x1


def flow_matching_loss(velocity, x1: torch.Tensor, e: torch.Tensor | None, t: torch.Tensor, x0: torch.Tensor,
                       drop: torch.Tensor | None = None) -> torch.Tensor:
    """The mean squared error between velocity(x_t, t, e, drop) and the target x1 − x0 (a 0-dim tensor).
    x1: images (N, C, H, W); x0: noise of the same shape; t: (N,); e: (N, E) or None; drop: (N,) bool or None."""
    v = velocity(interpolate(x0, x1, t), t, e, drop)
    return (v.float() - (x1 - x0).float()).square().mean()


def check_sampling(steps: int, guidance: float, method: str = "euler") -> None:
    """ValueError saying what is wrong with sampler settings."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a whole number of at least 1, got {steps!r}.")
    if not math.isfinite(guidance) or guidance < 0:
        raise ValueError(f"guidance must be a finite number >= 0 (1 = no guidance, 0 = the words ignored, e.g. 2), "
                         f"got {guidance!r}.")
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}, got {method!r}.")


def guided_velocity(velocity, x: torch.Tensor, t: torch.Tensor, e: torch.Tensor | None,
                    guidance: float) -> torch.Tensor:
    """v(x, t, ∅) + guidance·(v(x, t, e) − v(x, t, ∅)); one call on a doubled batch. guidance 1 (or e None):
    the plain velocity, one call on the batch itself."""
    if guidance == 1 or e is None:
        return velocity(x, t, e, None)
    drop = torch.cat([torch.zeros(len(x), dtype=torch.bool), torch.ones(len(x), dtype=torch.bool)]).to(x.device)
    v_cond, v_free = velocity(torch.cat([x, x]), torch.cat([t, t]), torch.cat([e, e]), drop).chunk(2)
    return v_free + guidance * (v_cond - v_free)


@torch.no_grad()
def sample(velocity, noise: torch.Tensor, e: torch.Tensor | None, steps: int, guidance: float = 1.0,
           method: str = "euler") -> torch.Tensor:
    """Integrate dx/dt = v from x = noise (N, C, H, W) at t = 0 to t = 1 in ``steps`` equal steps; returns x at
    t = 1 (not clamped). Euler: x += dt·v(x, t). Heun: the Euler guess, then the mean of the velocities at both
    ends (two velocity calls per step, second-order accurate)."""
    check_sampling(steps, guidance, method)
    x, dt = noise, 1.0 / steps
    for i in range(steps):
        t = torch.full((len(x),), i * dt, device=x.device)
        v = guided_velocity(velocity, x, t, e, guidance)
        if method == "heun":
            v_end = guided_velocity(velocity, x + dt * v, t + dt, e, guidance)
            v = (v + v_end) / 2
        x = x + dt * v
    return x


def velocity_calls(steps: int, guidance: float, method: str) -> int:
    """Network evaluations per image of ``sample``: steps (× 2 for Heun, × 2 with guidance other than 1)."""
    return steps * (2 if method == "heun" else 1) * (1 if guidance == 1 else 2)


class FlowGenerator(nn.Module):
    """A velocity network and its sampler settings as a generator: ``forward(z, e)`` with z (N, latent_dim) the
    flattened start noise and e (N, E) the captions -> images (N, C, H, W) clamped to [-1, 1]. ``steps``,
    ``guidance`` and ``method`` can be changed between calls (``configure``)."""

    def __init__(self, net: nn.Module, steps: int = 16, guidance: float = 2.0, method: str = "euler"):
        super().__init__()
        self.net = net
        self.configure(steps, guidance, method)
        self.eval()  # a sampler: nothing in it trains

    @property
    def cfg(self):
        return self.net.cfg

    @property
    def latent_dim(self) -> int:
        return math.prod(self.net.latent_shape)

    def configure(self, steps: int | None = None, guidance: float | None = None,
                  method: str | None = None) -> FlowGenerator:
        """Set the sampler (None keeps a setting); ValueError for bad values. Returns self."""
        steps = self.steps if steps is None else steps
        guidance = self.guidance if guidance is None else float(guidance)
        method = self.method if method is None else method
        check_sampling(steps, guidance, method)
        self.steps, self.guidance, self.method = steps, guidance, method
        return self

    def forward(self, z: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        noise = z.view(len(z), *self.net.latent_shape)
        return sample(self.net, noise, e, self.steps, self.guidance, self.method).clamp(-1, 1)
