"""Drawing images from a generator: seeded, gradient-free, in eval mode, and leaving the model as it was."""

from __future__ import annotations

import torch
from torch import nn

from ..runtime import autocast, eval_mode


def latent_noise(n: int, latent_dim: int, seed: int) -> torch.Tensor:
    """z (n, latent_dim) ~ N(0, I) from its own CPU generator: the same numbers on every device."""
    return torch.randn(n, latent_dim, generator=torch.Generator().manual_seed(seed))


def default_labels(n: int, num_classes: int) -> torch.Tensor:
    """0, 1, ..., num_classes-1, 0, 1, ...: (n,) int64, one class per column of a ``nrow=num_classes`` grid."""
    return torch.arange(n) % num_classes


@torch.no_grad()
def sample(generator: nn.Module, n: int, seed: int = 0, labels: torch.Tensor | None = None,
           z: torch.Tensor | None = None, batch_size: int = 500) -> torch.Tensor:
    """n images (n, C, S, S) float32 in [-1, 1] on the CPU, drawn in eval mode without gradients.

    z: (n, latent_dim), default ``latent_noise(n, generator.latent_dim, seed)``. labels: (n,) int64 for a
    conditional generator (one with ``num_classes``); default ``default_labels``. Drawn in chunks of
    ``batch_size`` so large n fits in memory (in eval mode each image depends only on its own z).
    """
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}.")
    z = latent_noise(n, generator.latent_dim, seed) if z is None else z
    if z.shape[0] != n:
        raise ValueError(f"z holds {z.shape[0]} rows for n={n} images.")
    num_classes = getattr(generator, "num_classes", None)
    if num_classes and labels is None:
        labels = default_labels(n, num_classes)
    if labels is not None and not num_classes:
        raise ValueError("labels were given but this generator is not conditional (no num_classes).")
    device = next(generator.parameters()).device
    chunks = []
    with eval_mode(generator), autocast(device):
        for start in range(0, n, batch_size):
            z_chunk = z[start: start + batch_size].to(device, non_blocking=True)
            if labels is None:
                out = generator(z_chunk)
            else:
                out = generator(z_chunk, labels[start: start + batch_size].to(device, non_blocking=True))
            chunks.append(out.float().cpu())
    return torch.cat(chunks)
