"""The one "every k steps, score the generator and keep the best" callback, and the validation FID it scores with.

- ``ScoreEvery``, a trainer callback: every ``every`` steps it scores the EMA generator with a metric (lower is
  better, e.g. FID against held-out photos), records the curve, keeps the best value and, unless told not to,
  the best EMA weights (``restore_best`` puts them back). ``train --eval-every`` (which writes best.pt),
  ``finetune``, the fine-tuning study and lessons 04 and 08 use it. Its state goes into the checkpoint, so a
  resumed run scores, keeps and stops where an uninterrupted one would.
- ``EarlyStopping``: ``ScoreEvery`` with a ``patience``, after which it asks the trainer to stop.
- ``validation_fid``: the metric, FID in the course classifier's features between ``n`` samples of the EMA
  generator (a fixed seed) and reference images, whose statistics are computed once (``metrics.scorer``).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch


class ScoreEvery:
    """Callback ``fn(trainer)`` for ``on_step_end``: score every ``every`` steps, keep the best (and, with
    ``keep_weights``, its EMA weights); with a ``patience``, stop after that many evaluations without an
    improvement by at least ``min_delta`` (None: never stop).

    metric: trainer -> float, lower is better. ``curve`` holds (step, value) of every evaluation.
    """

    def __init__(self, metric: Callable, every: int, patience: int | None = None, min_delta: float = 0.0,
                 keep_weights: bool = True):
        if every < 1:
            raise ValueError(f"eval-every must be at least 1 step, got {every}.")
        if patience is not None and patience < 1:
            raise ValueError(f"patience must be at least 1 evaluation (0 would stop at the first one), got {patience}.")
        self.metric, self.every, self.patience, self.min_delta = metric, every, patience, min_delta
        self.keep_weights = keep_weights
        self.curve: list[tuple[int, float]] = []
        self.best, self.best_step, self.waited, self.best_state = math.inf, None, 0, None

    def __call__(self, trainer) -> None:
        if trainer.step % self.every:
            return
        value = float(self.metric(trainer))
        self.curve.append((trainer.step, value))
        if value < self.best - self.min_delta:
            self.best, self.best_step, self.waited = value, trainer.step, 0
            if self.keep_weights:
                self.best_state = {k: v.detach().cpu().clone() for k, v in trainer.ema.module.state_dict().items()}
        else:
            self.waited += 1
            if self.patience is not None and self.waited >= self.patience:
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


class EarlyStopping(ScoreEvery):
    """``ScoreEvery`` that stops: ``patience`` (at least 1) evaluations without improvement end the run."""

    def __init__(self, metric: Callable, every: int, patience: int, min_delta: float = 0.0):
        if patience is None:
            raise ValueError("EarlyStopping needs a patience; ScoreEvery scores without stopping.")
        super().__init__(metric, every, patience, min_delta)


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
