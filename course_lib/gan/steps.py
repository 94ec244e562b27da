"""One discriminator step and one generator step, as functions of explicit objects (no globals).

Both run the forward pass under ``course_lib.runtime.autocast`` (the precision given), cast logits to float32
for the loss, and return detached 0-dim statistics so the caller decides when to sync with the device.
Under torchrun, the stepped network's gradients are averaged over the processes after the backward
(``gan.distributed.average_gradients``; a no-op for one process).
"""

from __future__ import annotations

import contextlib

import torch

from ..runtime import autocast
from .distributed import average_gradients
from .losses import GANLoss


def grad_norm(module: torch.nn.Module) -> torch.Tensor:
    """L2 norm of all of ``module``'s gradients together, as a 0-dim tensor (no host sync)."""
    norms = [p.grad.detach().float().norm() for p in module.parameters() if p.grad is not None]
    return torch.stack(norms).norm() if norms else torch.zeros(())


@contextlib.contextmanager
def frozen(module: torch.nn.Module):
    """No parameter gradients for ``module`` inside the block (gradients still flow through it)."""
    flags = [p.requires_grad for p in module.parameters()]
    module.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in zip(module.parameters(), flags):
            p.requires_grad_(flag)


def call(model, x, labels):
    """``model(x)``, or ``model(x, labels)`` for conditional models (labels not None)."""
    return model(x) if labels is None else model(x, labels)


def d_step(generator, discriminator, opt_d, real, z, loss: GANLoss, labels=None, fake_labels=None,
           augment=None, regularizer=None, precision: str | None = None) -> dict[str, torch.Tensor]:
    """One discriminator update; returns detached 0-dim stats.

    real: (B, C, S, S) in [-1, 1]; z: (B, latent_dim); labels/fake_labels: (B,) int64 when conditional.
    The fakes are made without gradients (detached), so this step never touches the generator.
    augment (x -> x) is applied to real and fake; regularizer(discriminator, real, fake, labels) sees the
    images as the discriminator saw them and is added to the loss. precision: 'fp32', 'bf16' or None (bf16 on
    CUDA only), see ``runtime.autocast``; the losses are computed from float32 logits either way.
    """
    augment = augment or (lambda x: x)
    with autocast(real.device, precision):
        with torch.no_grad():
            fake = call(generator, z, fake_labels)
        real, fake = augment(real), augment(fake)
        real_logits = call(discriminator, real, labels).float()
        fake_logits = call(discriminator, fake, fake_labels).float()
        d_loss = loss.d_loss(real_logits, fake_logits)
        penalty = regularizer(discriminator, real, fake, labels) if regularizer else None
    opt_d.zero_grad(set_to_none=True)
    (d_loss if penalty is None else d_loss + penalty).backward()
    average_gradients(discriminator)
    stats = {"d_loss": d_loss.detach(), "d_real": loss.score(real_logits.detach()).mean(),
             "d_fake": loss.score(fake_logits.detach()).mean(), "d_acc": loss.accuracy(real_logits, fake_logits),
             "d_grad_norm": grad_norm(discriminator)}
    if penalty is not None:
        stats["d_penalty"] = penalty.detach()
    opt_d.step()
    return stats


def g_step(generator, discriminator, opt_g, z, loss: GANLoss, labels=None, augment=None,
           precision: str | None = None) -> dict[str, torch.Tensor]:
    """One generator update through a frozen discriminator; returns detached 0-dim stats.

    z: (B, latent_dim); labels: (B,) int64 for conditional models (the classes asked of the generator).
    """
    augment = augment or (lambda x: x)
    with frozen(discriminator):
        with autocast(z.device, precision):
            fake_logits = call(discriminator, augment(call(generator, z, labels)), labels).float()
            g_loss = loss.g_loss(fake_logits)
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
    average_gradients(generator)
    stats = {"g_loss": g_loss.detach(), "g_grad_norm": grad_norm(generator)}
    opt_g.step()
    return stats
