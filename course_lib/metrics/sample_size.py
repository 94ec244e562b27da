"""FID and KID against the number of samples: FID's bias at small n, KID's lack of it.

FID plugs sample means and covariances into a nonlinear formula, so its expectation depends on n (for
two sets from the *same* distribution it is positive and shrinks roughly like 1/n). KID is an unbiased
estimate of a squared MMD: its mean is the same at every n, only its spread changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .frechet import fid_torch_fidelity
from .kid import kid


@dataclass(frozen=True)
class SizeCurve:
    """Per sample size: mean and standard deviation over ``repeats`` random subsets of both sets."""

    sizes: tuple[int, ...]
    fid_mean: tuple[float, ...]
    fid_std: tuple[float, ...]
    kid_mean: tuple[float, ...]
    kid_std: tuple[float, ...]


def metrics_vs_sample_size(generated: torch.Tensor, real: torch.Tensor, sizes, repeats: int = 3, seed: int = 0,
                           kid_subsets: int = 50) -> SizeCurve:
    """FID and KID of ``n`` generated vs ``n`` real features, for each n in ``sizes``, over ``repeats`` draws.

    generated (N, D), real (M, D) features; every n must be in [2, min(N, M)]. KID uses subsets of
    min(1000, n) (torch-fidelity's default size), ``kid_subsets`` of them per draw.
    """
    sizes = tuple(int(n) for n in sizes)
    if not sizes or min(sizes) < 2 or max(sizes) > min(generated.shape[0], real.shape[0]):
        raise ValueError(f"sizes must lie in [2, {min(generated.shape[0], real.shape[0])}], got {sizes}.")
    rng = torch.Generator().manual_seed(seed)
    columns = {"fid_mean": [], "fid_std": [], "kid_mean": [], "kid_std": []}
    for n in sizes:
        fids, kids = [], []
        for r in range(repeats):
            g = generated[torch.randperm(generated.shape[0], generator=rng)[:n]]
            x = real[torch.randperm(real.shape[0], generator=rng)[:n]]
            fids.append(fid_torch_fidelity(g, x))
            kids.append(kid(g, x, kid_subsets, min(1000, n), seed + r)[0])
        for name, values in (("fid", fids), ("kid", kids)):
            t = torch.tensor(values, dtype=torch.float64)
            columns[f"{name}_mean"].append(t.mean().item())
            columns[f"{name}_std"].append(t.std().item() if repeats > 1 else 0.0)
    return SizeCurve(sizes, *(tuple(columns[k]) for k in ("fid_mean", "fid_std", "kid_mean", "kid_std")))
