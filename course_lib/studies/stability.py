"""Compare how reliably recipes train: several seeds each, the same budget of real data, FID at the end.

The budget is counted in real batches the discriminator sees, so a WGAN-GP (n_critic=5) makes a fifth of
the generator steps of a DCGAN on the same budget. FID uses the course's frozen Fashion-MNIST classifier
(``course_lib.metrics``) against the real test split; its scale belongs to that network only.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import torch

from ..gan.recipes import get_recipe, make_trainer
from ..gan.sampling import sample
from ..metrics.scorer import FidScorer


@dataclass(frozen=True)
class Run:
    """One training run: its kind, seed, FID of the EMA generator, wall time and the trainer itself."""

    kind: str
    seed: int
    fid: float
    seconds: float
    trainer: object


def fid_of(generator, n: int = 2000, seed: int = 0, scorer: FidScorer | None = None) -> float:
    """FID of ``n`` samples of ``generator`` against the Fashion-MNIST test split, through the course's one scorer
    (``metrics.scorer.FidScorer``; pass one to reuse its reference statistics across calls, as a callback should)."""
    scorer = scorer if scorer is not None else FidScorer(device=next(generator.parameters()).device)
    return scorer(sample(generator, n, seed=seed))


def train_on_budget(kind: str, seed: int, real_batches: int, images: torch.Tensor, labels: torch.Tensor | None = None,
                    device: str | torch.device = "auto", **changes) -> object:
    """A trainer of ``kind``'s recipe (seed ``seed``, TrainConfig fields ``changes``) run on ``real_batches``
    discriminator batches, i.e. ``real_batches // n_critic`` generator steps, on ``device``. images: (N, 28, 28)
    uint8."""
    recipe = get_recipe(kind)
    cfg = dataclasses.replace(recipe.train, seed=seed, **changes)
    trainer = make_trainer(kind, recipe.model, cfg, images, labels, device, log_every=recipe.log_every)
    trainer.run(max(1, real_batches // cfg.n_critic))
    return trainer


def compare(kinds, seeds, real_batches: int, images: torch.Tensor, labels: torch.Tensor | None = None,
            n_fid: int = 2000, device: str | torch.device = "auto", scorer: FidScorer | None = None) -> list[Run]:
    """Train every kind with every seed on the same budget; one ``Run`` each, FID of the EMA generator (through
    ``scorer``, default the test split's)."""
    runs = []
    for kind in kinds:
        for seed in seeds:
            start = time.perf_counter()
            trainer = train_on_budget(kind, seed, real_batches, images, labels, device)
            seconds = time.perf_counter() - start
            runs.append(Run(kind, seed, fid_of(trainer.ema.module, n_fid, scorer=scorer), seconds, trainer))
    return runs
