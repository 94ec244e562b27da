"""Fine-tuning a pretrained GAN on a few photos of a new product line: FreezeD and early stopping.

- ``freeze_first_blocks(discriminator, k)`` (FreezeD, Mo et al. 2020, arXiv:2002.10964): the first ``k``
  blocks of D (a block is a convolution or linear layer with the normalisation after it) keep their
  pretrained weights; only the later ones learn the new line. Low-level features (edges, the background)
  transfer; what overfits a few images is the top of D.
- ``EarlyStopping``, a trainer callback: every ``every`` steps it scores the EMA generator with a validation
  metric (lower is better, e.g. FID against held-out photos of the new line), keeps the best EMA weights, and
  asks the trainer to stop after ``patience`` evaluations without improvement; ``restore_best`` puts the best
  weights back. Its state goes into the checkpoint, so a resumed run stops where an uninterrupted one would.
- ``validation_fid``: the metric, FID in the course classifier's features between ``n`` samples of the EMA
  generator (a fixed seed) and the validation images, whose features are computed once.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from torch import nn

BLOCK_STARTS = (nn.Conv2d, nn.Linear, nn.Embedding)


def discriminator_blocks(discriminator: nn.Module) -> list[list[nn.Module]]:
    """D's layers in order, grouped into blocks: each convolution/linear/embedding layer with the parameterised
    layers that follow it (its normalisation). Only layers with parameters count."""
    blocks: list[list[nn.Module]] = []
    for module in discriminator.modules():
        if next(module.parameters(recurse=False), None) is None:
            continue
        if isinstance(module, BLOCK_STARTS) or not blocks:
            blocks.append([module])
        else:
            blocks[-1].append(module)
    return blocks


def freeze_first_blocks(discriminator: nn.Module, k: int) -> int:
    """Stop training the first ``k`` blocks of ``discriminator`` (requires_grad False); returns the number of
    parameters frozen. k = 0 freezes nothing; k must leave at least one block to train."""
    blocks = discriminator_blocks(discriminator)
    if not 0 <= k < len(blocks):
        raise ValueError(f"freeze-d must be between 0 and {len(blocks) - 1} for this discriminator "
                         f"({len(blocks)} blocks; at least the last one must learn), got {k}.")
    frozen = 0
    for block in blocks[:k]:
        for module in block:
            for p in module.parameters(recurse=False):
                p.requires_grad_(False)
                frozen += p.numel()
    return frozen


def base_models(obj: dict) -> tuple[nn.Module, nn.Module, object]:
    """(generator, discriminator, model config) of a loaded GAN file to fine-tune from.

    The generator starts from the base's EMA weights (what its samples show); the discriminator from the base's
    when the file is a training checkpoint, else freshly initialised (seed torch first).
    """
    from ..models import build_models, model_config

    cfg = model_config(obj["kind"], obj["config"]["model"])
    generator, discriminator = build_models(obj["kind"], cfg)
    generator.load_state_dict(obj["ema"]["module"] if "ema" in obj else obj["generator"])
    if "discriminator" in obj:
        discriminator.load_state_dict(obj["discriminator"])
    return generator, discriminator, cfg


class EarlyStopping:
    """Callback ``fn(trainer)`` for ``on_step_end``: evaluate every ``every`` steps, keep the best EMA weights,
    stop after ``patience`` evaluations without improvement by at least ``min_delta``.

    metric: trainer -> float, lower is better. ``curve`` holds (step, value) of every evaluation.
    """

    def __init__(self, metric: Callable, every: int, patience: int, min_delta: float = 0.0):
        if every < 1:
            raise ValueError(f"eval-every must be at least 1 step, got {every}.")
        if patience < 1:
            raise ValueError(f"patience must be at least 1 evaluation (0 would stop at the first one), got {patience}.")
        self.metric, self.every, self.patience, self.min_delta = metric, every, patience, min_delta
        self.curve: list[tuple[int, float]] = []
        self.best, self.best_step, self.waited, self.best_state = math.inf, None, 0, None

    def __call__(self, trainer) -> None:
        if trainer.step % self.every:
            return
        value = float(self.metric(trainer))
        self.curve.append((trainer.step, value))
        if value < self.best - self.min_delta:
            self.best, self.best_step, self.waited = value, trainer.step, 0
            self.best_state = {k: v.detach().cpu().clone() for k, v in trainer.ema.module.state_dict().items()}
        else:
            self.waited += 1
            if self.waited >= self.patience:
                trainer.stop_reason = (f"early stopping at step {trainer.step}: no improvement in {self.patience} "
                                       f"evaluations; best {self.best:.3f} at step {self.best_step}")

    def restore_best(self, trainer) -> None:
        """Load the best EMA weights seen into the trainer's EMA generator (nothing when none was evaluated)."""
        if self.best_state is not None:
            trainer.ema.module.load_state_dict(self.best_state)

    def state_dict(self) -> dict:
        """Plain values and tensors: loads with ``torch.load(weights_only=True)``."""
        return {"curve": [list(point) for point in self.curve], "best": self.best, "best_step": self.best_step,
                "waited": self.waited, "best_state": self.best_state}

    def load_state_dict(self, state: dict) -> None:
        self.curve = [(int(step), float(value)) for step, value in state["curve"]]
        self.best, self.best_step, self.waited = float(state["best"]), state["best_step"], int(state["waited"])
        self.best_state = state["best_state"]


def validation_fid(images: torch.Tensor, n: int = 1000, seed: int = 0, batch_size: int = 500,
                   extractor=None) -> Callable:
    """A metric ``fn(trainer) -> FID`` of ``n`` EMA samples (seeded, so evaluations compare) against ``images``.

    images: (M, 1, 28, 28) in [-1, 1], the validation photos of the new line (features computed once here).
    extractor: the course feature extractor to reuse (default: a new one). The score is the course's one scorer
    (``metrics.scorer.FidScorer``), its reference statistics computed once, here.
    """
    from ..metrics.scorer import FidScorer
    from .sampling import sample

    scorer = FidScorer(images, extractor=extractor, batch_size=batch_size)

    def metric(trainer) -> float:
        return scorer(sample(trainer.ema.module, n, seed=seed))

    return metric
