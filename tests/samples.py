"""Shared test data: seeded product-like images and a filled training history."""

import torch

from course_lib.gan.history import History


def square_products(n=6, size=28, seed=0):
    """Seeded (n, 1, size, size) in [-1, 1] with a -1 background and a bright square 'product'."""
    g = torch.Generator().manual_seed(seed)
    x = torch.full((n, 1, size, size), -1.0)
    m = size // 5
    x[:, :, m:size - m, m + 1:size - m - 1] = torch.rand(n, 1, size - 2 * m, size - 2 * m - 2, generator=g) * 2 - 1
    return x


def filled_history(n=5):
    """A History of n steps with the trainer's six columns."""
    history = History()
    for step in range(1, n + 1):
        history.push(step, {"d_loss": torch.tensor(float(step)), "g_loss": torch.tensor(2.0 * step),
                            "d_real": torch.tensor(0.5), "d_fake": torch.tensor(0.25),
                            "d_grad_norm": torch.tensor(1.0), "g_grad_norm": torch.tensor(3.0)})
    return history
