"""A leak probe: a tiny CNN that measures whether a discriminator could tell two image sets apart.

Lesson 01 uses it to show augmentation leaking into samples: when only real images are augmented, a probe
learns to tell augmented from clean images, and so would a discriminator.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from tqdm.auto import tqdm

from ..runtime import autocast


def probe_network(image_size: int = 28) -> torch.nn.Sequential:
    """A tiny discriminator-like CNN: (N, 1, S, S) in [-1, 1] -> logits (N,)."""
    return torch.nn.Sequential(
        torch.nn.Conv2d(1, 16, 3, 2, 1), torch.nn.LeakyReLU(0.2),  # S => S/2
        torch.nn.Conv2d(16, 32, 3, 2, 1), torch.nn.LeakyReLU(0.2),  # S/2 => S/4
        torch.nn.Flatten(), torch.nn.Linear(32 * ((image_size + 3) // 4) ** 2, 1), torch.nn.Flatten(0))


def fit_probe(pos_train: torch.Tensor, neg_train: torch.Tensor, pos_test: torch.Tensor, neg_test: torch.Tensor,
              augment: Callable | None = None, num_steps: int = 300, batch_size: int = 64,
              seed: int = 0, precision: str = "fp32") -> tuple[float, float]:
    """Train ``probe_network`` to label pos 1 and neg 0; returns (train accuracy, test accuracy).

    All sets (N, 1, S, S) in [-1, 1]. ``augment`` (if given) is applied to both pos and neg batches, as
    DiffAugment is in a D step; accuracies are measured on un-augmented images. precision: 'fp32' or 'bf16'
    (autocast around the forward passes, as the trainer does; the lessons use fp32).
    """
    with torch.random.fork_rng(devices=[]):  # seeded weights without moving the caller's random stream
        torch.manual_seed(seed)
        net = probe_network(pos_train.shape[-1])
    order = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3)
    targets = torch.cat([torch.ones(batch_size), torch.zeros(batch_size)])
    for _ in tqdm(range(num_steps), desc="probe", leave=False):
        pos = pos_train[torch.randint(len(pos_train), (batch_size,), generator=order)]
        neg = neg_train[torch.randint(len(neg_train), (batch_size,), generator=order)]
        x = torch.cat([pos, neg]) if augment is None else torch.cat([augment(pos), augment(neg)])
        with autocast(torch.device("cpu"), precision):
            logits = net(x)
        loss = F.binary_cross_entropy_with_logits(logits.float(), targets)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    with torch.no_grad():
        def accuracy(pos, neg):
            return 0.5 * ((net(pos) > 0).float().mean() + (net(neg) <= 0).float().mean()).item()
        return accuracy(pos_train, neg_train), accuracy(pos_test, neg_test)
