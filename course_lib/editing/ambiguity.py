"""When several answers fit one input: what an L2, an L1 and an adversarial loss each make a network output.

For a degraded input x with several plausible clean answers y ~ p(y | x), the prediction c that minimises
the expected loss, pixel by pixel, is

- L2, E[(y - c)^2]: c = E[y | x], the mean, a blend of the answers (blur wherever they disagree);
- L1, E|y - c|: c = the per-pixel median, a value some answers have, but chosen pixel by pixel, so the
  picture as a whole can still be a mix;
- adversarial: a discriminator tells blends from real photos, so the generator is pushed to output one
  plausible answer, a sample of p(y | x): sharp, and possibly not the true one.

``plausible_answers`` stands in for p(y | x) in inpainting with the catalog photos that agree best with
the known pixels (nearest neighbours outside the hole); ``fit_prediction`` finds the best constant
prediction for a loss by gradient descent, to check the mean/median claims numerically.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def plausible_answers(degraded: torch.Tensor, mask: torch.Tensor, catalog: torch.Tensor, k: int) -> torch.Tensor:
    """The ``k`` catalog photos closest to ``degraded`` on its known pixels, closest first.

    degraded: (1, C, H, W) in [-1, 1]; mask: (1, 1, H, W), 1 = missing; catalog: (M, C, H, W) -> (k, C, H, W).
    """
    if degraded.shape[0] != 1 or catalog.shape[1:] != degraded.shape[1:] or not 1 <= k <= catalog.shape[0]:
        raise ValueError(f"need degraded (1, C, H, W), catalog (M, C, H, W) of the same C, H, W and 1 <= k <= M; "
                         f"got {tuple(degraded.shape)}, {tuple(catalog.shape)}, k={k}.")
    known = 1 - mask  # (1, 1, H, W)
    distance = ((catalog - degraded) * known).pow(2).flatten(1).sum(1)  # (M,) over the known pixels only
    return catalog[distance.topk(k, largest=False).indices]


def loss_optima(answers: torch.Tensor) -> dict[str, torch.Tensor]:
    """answers (K, C, H, W) -> the best single prediction under each loss, each (1, C, H, W).

    The adversarial entry is the first answer: one plausible photo, which is what a discriminator rewards."""
    return {"L2: mean": answers.mean(0, keepdim=True),
            "L1: median": answers.median(0, keepdim=True).values,
            "adversarial: one answer": answers[:1]}


def fit_prediction(answers: torch.Tensor, loss: str, num_steps: int = 300, lr: float = 0.05) -> torch.Tensor:
    """The constant c (1, C, H, W) minimising mean_k loss(answers[k], c), found with Adam from c = 0.

    loss: "l1" or "l2". The minimisers are the per-pixel median and mean (up to the optimiser's tolerance)."""
    loss_fn = {"l1": F.l1_loss, "l2": F.mse_loss}[loss]
    c = torch.zeros_like(answers[:1], requires_grad=True)
    opt = torch.optim.Adam([c], lr=lr)
    schedule = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1 - s / num_steps)  # settle at the end
    for _ in range(num_steps):
        value = loss_fn(c.expand_as(answers), answers)
        opt.zero_grad()
        value.backward()
        opt.step()
        schedule.step()
    return c.detach()


def with_fill(degraded: torch.Tensor, mask: torch.Tensor, fill: torch.Tensor) -> torch.Tensor:
    """The known pixels of ``degraded`` with the hole (mask 1) taken from ``fill``; all (N, C, H, W)."""
    return degraded * (1 - mask) + fill * mask


def sharpness(images: torch.Tensor, mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mean absolute difference between neighbouring pixels (N,), inside ``mask`` when given; images in
    [-1, 1], (N, C, H, W). A blend of several answers has less of it than any one of them."""
    dx = (images[..., :, 1:] - images[..., :, :-1]).abs()  # (N, C, H, W-1)
    dy = (images[..., 1:, :] - images[..., :-1, :]).abs()  # (N, C, H-1, W)
    if mask is None:
        return 0.5 * (dx.flatten(1).mean(1) + dy.flatten(1).mean(1))
    wx, wy = mask[..., :, 1:] * mask[..., :, :-1], mask[..., 1:, :] * mask[..., :-1, :]  # both pixels in the hole
    total = (dx * wx).flatten(1).sum(1) + (dy * wy).flatten(1).sum(1)
    count = (wx.expand_as(dx).flatten(1).sum(1) + wy.expand_as(dy).flatten(1).sum(1)).clamp(min=1)
    return total / count
