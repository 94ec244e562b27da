"""GAN losses as pure functions of discriminator logits, and a small registry of them by name.

Every loss has a discriminator part ``d_loss(real_logits, fake_logits)`` (minimised by D) and a generator
part ``g_loss(fake_logits)`` (minimised by G). Logits are raw outputs ``(N,)`` before any sigmoid; the
log-sigmoid terms use ``F.softplus``, which is exact and stable where ``log(sigmoid(x))`` under- or
overflows: ``-log sigmoid(x) = softplus(-x)`` and ``-log(1 - sigmoid(x)) = softplus(x)``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F


def minimax_d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """-E[log D(x)] - E[log(1 - D(G(z)))]: binary cross-entropy with targets 1 (real) and 0 (fake)."""
    return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()


def minimax_g_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """E[log(1 - D(G(z)))], the original minimax objective; its gradient vanishes when D wins."""
    return -F.softplus(fake_logits).mean()


def non_saturating_g_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """-E[log D(G(z))]: the same fixed point as minimax, strong gradients early on (Goodfellow 2014)."""
    return F.softplus(-fake_logits).mean()


def matching_aware_d_loss(real_logits: torch.Tensor, mismatched_logits: torch.Tensor,
                          fake_logits: torch.Tensor) -> torch.Tensor:
    """GAN-CLS (Reed et al. 2016): BCE(real pair, 1) + 1/2 [BCE(real image, wrong caption; 0) + BCE(fake, 0)].
    A real photo under another product's words counts as fake, so D must read the caption (lesson 07)."""
    return F.softplus(-real_logits).mean() + 0.5 * (F.softplus(mismatched_logits).mean()
                                                    + F.softplus(fake_logits).mean())


def hinge_d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))] (Lim & Ye 2017; SAGAN, BigGAN)."""
    return F.relu(1.0 - real_logits).mean() + F.relu(1.0 + fake_logits).mean()


def hinge_g_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """-E[D(G(z))]."""
    return -fake_logits.mean()


def least_squares_d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2] (LSGAN, Mao et al. 2017, targets a=0, b=1)."""
    return 0.5 * (real_logits - 1.0).pow(2).mean() + 0.5 * fake_logits.pow(2).mean()


def least_squares_g_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """1/2 E[(D(G(z)) - 1)^2] (target c=1)."""
    return 0.5 * (fake_logits - 1.0).pow(2).mean()


def wasserstein_d_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """E[C(G(z))] - E[C(x)]: the critic's estimate of -W(P_real, P_fake); needs a Lipschitz constraint."""
    return fake_logits.mean() - real_logits.mean()


def wasserstein_g_loss(fake_logits: torch.Tensor) -> torch.Tensor:
    """-E[C(G(z))]."""
    return -fake_logits.mean()


@dataclass(frozen=True)
class GANLoss:
    """A named pair of loss functions plus how to read the discriminator's outputs.

    score: logits -> the number reported as D(real)/D(fake): a probability for the cross-entropy losses,
    the raw output otherwise. threshold: the score above which D calls an image real, or None when the
    output is an unbounded critic score (then "accuracy" compares against the midpoint of the two means).
    mismatched_d_loss: a text-conditioned D's loss from the
    logits of (real, mismatched, fake) pairs, for losses that have one (``matching_aware``; its plain ``d_loss``
    is the same D trained without mismatched pairs).
    """

    name: str
    d_loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    g_loss: Callable[[torch.Tensor], torch.Tensor]
    score: Callable[[torch.Tensor], torch.Tensor]
    threshold: float | None
    mismatched_d_loss: Callable[[torch.Tensor, torch.Tensor, torch.Tensor], torch.Tensor] | None = None

    def accuracy(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
        """Fraction of real scored above and fake below the threshold, as a 0-dim tensor (no sync)."""
        real, fake = self.score(real_logits.detach()), self.score(fake_logits.detach())
        cut = (real.mean() + fake.mean()) / 2 if self.threshold is None else self.threshold
        return ((real > cut).float().mean() + (fake < cut).float().mean()) / 2


def identity(logits: torch.Tensor) -> torch.Tensor:
    """The raw score (critics, least squares, hinge)."""
    return logits


LOSSES: dict[str, GANLoss] = {
    "minimax": GANLoss("minimax", minimax_d_loss, minimax_g_loss, torch.sigmoid, 0.5),
    "non_saturating": GANLoss("non_saturating", minimax_d_loss, non_saturating_g_loss, torch.sigmoid, 0.5),
    "hinge": GANLoss("hinge", hinge_d_loss, hinge_g_loss, identity, 0.0),
    "least_squares": GANLoss("least_squares", least_squares_d_loss, least_squares_g_loss, identity, 0.5),
    "wasserstein": GANLoss("wasserstein", wasserstein_d_loss, wasserstein_g_loss, identity, None),
    # text-conditioned D (lesson 07): d_loss without mismatched pairs, mismatched_d_loss with them
    "matching_aware": GANLoss("matching_aware", minimax_d_loss, non_saturating_g_loss, torch.sigmoid, 0.5,
                              matching_aware_d_loss),
}


def get_loss(name: str | GANLoss) -> GANLoss:
    """The loss called ``name`` (a GANLoss passes through); unknown names list the valid ones."""
    if isinstance(name, GANLoss):
        return name
    if name not in LOSSES:
        raise ValueError(f"unknown GAN loss {name!r}; valid names: {', '.join(sorted(LOSSES))}.")
    return LOSSES[name]


def r1_penalty(discriminator, real: torch.Tensor, fake: torch.Tensor, labels: torch.Tensor | None = None,
               weight: float = 10.0) -> torch.Tensor:
    """R1 regulariser (Mescheder et al. 2018): weight/2 * E[||grad_x D(x)||^2] on real images only.

    A regulariser hook: ``regularizer(discriminator, real, fake, labels) -> 0-dim tensor`` added to the D
    loss. real, fake: (N, C, H, W) as the discriminator saw them; fake is unused here.
    """
    real = real.detach().requires_grad_(True)
    logits = discriminator(real) if labels is None else discriminator(real, labels)
    (grad,) = torch.autograd.grad(logits.float().sum(), real, create_graph=True)
    return 0.5 * weight * grad.float().pow(2).flatten(1).sum(1).mean()


def gradient_penalty(critic, real: torch.Tensor, fake: torch.Tensor, labels: torch.Tensor | None = None,
                     weight: float = 10.0, eps: torch.Tensor | None = None) -> torch.Tensor:
    """WGAN-GP penalty (Gulrajani et al. 2017): weight * E[(||grad_x C(x_hat)||_2 - 1)^2].

    x_hat = eps * real + (1 - eps) * fake, one eps ~ U[0, 1] per sample; the norm is taken per sample over
    all non-batch dimensions (C, H, W). real, fake: (N, C, H, W); eps: (N,) to fix the mixing weights
    (default: drawn from torch's global generator, which checkpoints save). Differentiable
    (create_graph=True), so the penalty's gradient reaches the critic's weights. A regulariser hook.
    """
    if real.shape != fake.shape:
        raise ValueError(f"real {tuple(real.shape)} and fake {tuple(fake.shape)} must have the same shape.")
    n = real.size(0)
    eps = torch.rand(n, device=real.device) if eps is None else eps.to(real.device)
    eps = eps.reshape(n, *([1] * (real.dim() - 1)))  # (N, 1, 1, 1): one mixing weight per image
    x_hat = (eps * real.detach() + (1 - eps) * fake.detach()).requires_grad_(True)
    scores = critic(x_hat) if labels is None else critic(x_hat, labels)
    at_least_fp32 = torch.promote_types(scores.dtype, torch.float32)  # bf16 under autocast; keep fp64 exact
    (grad,) = torch.autograd.grad(scores.to(at_least_fp32).sum(), x_hat, create_graph=True)
    norms = grad.to(at_least_fp32).flatten(1).norm(2, dim=1)  # (N,): one norm per image, over C, H, W
    return weight * (norms - 1.0).pow(2).mean()


REGULARIZERS: dict[str, Callable[..., torch.Tensor]] = {"r1": r1_penalty, "gp": gradient_penalty}


def get_regularizer(name: str, weight: float) -> Callable[..., torch.Tensor] | None:
    """The regulariser ``name`` with its weight bound (None for ``''``); unknown names list the valid ones."""
    if not name:
        return None
    if name not in REGULARIZERS:
        raise ValueError(f"unknown regularizer {name!r}; valid names: {', '.join(sorted(REGULARIZERS))} "
                         "(or '' for none).")
    return functools.partial(REGULARIZERS[name], weight=weight)


@torch.no_grad()
def clip_weights(module: torch.nn.Module, limit: float = 0.01) -> None:
    """Clamp every parameter of ``module`` to [-limit, limit] in place: the original WGAN's crude way to
    keep the critic Lipschitz (Arjovsky et al. 2017). Call it after each critic update, for instance
    ``opt_d.register_step_post_hook(lambda *_: clip_weights(critic, 0.01))``."""
    if not limit > 0:
        raise ValueError(f"the clipping limit must be positive, got {limit}.")
    for p in module.parameters():
        p.clamp_(-limit, limit)
