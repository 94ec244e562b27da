"""Is training healthy? Stop on non-finite numbers; warn on the usual signs of failure and collapse.

- A NaN or inf loss or gradient norm raises ``NonFiniteLossError`` with the step and what to try.
- ``HealthMonitor`` (a trainer callback) warns when the discriminator has been right about almost every
  image for many steps (the generator gets no useful signal), and when samples on a fixed z batch are
  far less varied than real images (mode collapse): mean pairwise distance of fakes / that of reals.
"""

from __future__ import annotations

import math
import warnings

import torch

from .sampling import sample

SUGGESTIONS = (
    "lower the learning rates (e.g. --lr 1e-4)",
    "check the data range: real images must be float in [-1, 1] and the generator must end in tanh",
    "use a gradient penalty or spectral normalisation to keep the discriminator smooth",
    "make sure the discriminator returns logits and the loss takes logits (no sigmoid + BCELoss)",
)


class NonFiniteLossError(RuntimeError):
    """A loss or gradient norm became NaN or inf; training stopped before saving that state."""

    def __init__(self, step: int, key: str, value: float):
        self.step, self.key, self.value = step, key, value
        tips = "\n".join(f"  - {tip}" for tip in SUGGESTIONS)
        super().__init__(f"{key} became {value} at step {step}; training stopped. This state is never saved, "
                         f"so the last good checkpoint (if any) is intact. Things to try:\n{tips}")


class HealthWarning(UserWarning):
    """A sign that training is going wrong (it may still recover)."""


def check_finite(rows: dict[str, list]) -> None:
    """Raise NonFiniteLossError for the first non-finite value in ``rows`` (``History.flush`` output)."""
    for i, step in enumerate(rows["step"]):
        for key, column in rows.items():
            if key != "step" and not math.isfinite(column[i]):
                raise NonFiniteLossError(step, key, column[i])


def mean_pairwise_distance(images: torch.Tensor) -> float:
    """Mean Euclidean distance between all pairs of images (N, C, H, W), N >= 2."""
    if images.shape[0] < 2:
        raise ValueError(f"need at least 2 images for pairwise distances, got {images.shape[0]}.")
    return torch.pdist(images.detach().float().flatten(1).cpu()).mean().item()


def diversity_ratio(fake: torch.Tensor, real: torch.Tensor) -> float:
    """Mean pairwise distance of ``fake`` / that of ``real``: ~1 healthy, near 0 when G repeats itself."""
    return mean_pairwise_distance(fake) / mean_pairwise_distance(real)


class HealthMonitor:
    """Trainer callback (``trainer.add_callback('on_log', monitor)``) that warns about failing training.

    real: (N, C, S, S) in [-1, 1], a fixed batch of real images for the diversity reference.
    accuracy_limit / patience: warn when D's accuracy stayed >= accuracy_limit for ``patience`` steps
    (skipped for critics, whose scores have no threshold). diversity_limit: warn when the diversity ratio
    of fakes on a fixed z batch falls below it; checked every ``diversity_every`` steps from ``min_step``.
    Warnings are issued when a condition starts, kept in ``messages``; ratios in ``diversity``.
    """

    def __init__(self, real: torch.Tensor, accuracy_limit: float = 0.99, patience: int = 200,
                 diversity_limit: float = 0.5, diversity_every: int = 250, min_step: int = 250, seed: int = 1234):
        self.real_distance = mean_pairwise_distance(real)
        self.n, self.seed = real.shape[0], seed
        self.accuracy_limit, self.patience = accuracy_limit, patience
        self.diversity_limit, self.diversity_every, self.min_step = diversity_limit, diversity_every, min_step
        self.diversity: list[tuple[int, float]] = []
        self.messages: list[str] = []
        self.active: set[str] = set()

    def report(self, name: str, bad: bool, message: str) -> None:
        """Warn when condition ``name`` turns bad; forget it when it clears."""
        if bad and name not in self.active:
            self.messages.append(message)
            warnings.warn(message, HealthWarning, stacklevel=2)
        self.active = self.active | {name} if bad else self.active - {name}

    def __call__(self, trainer) -> None:
        step, history = trainer.step, trainer.history
        if trainer.loss.threshold is not None and len(history.steps) >= self.patience:
            recent = history["d_acc"][-self.patience:]
            self.report("accuracy", min(recent) >= self.accuracy_limit,
                        f"step {step}: the discriminator classified >= {self.accuracy_limit:.0%} of images "
                        f"correctly for the last {self.patience} steps; the generator learns little. Try a "
                        "lower discriminator lr, DiffAugment, or label smoothing.")
        due = not self.diversity or step - self.diversity[-1][0] >= self.diversity_every
        if step >= self.min_step and due:
            fake = sample(trainer.generator, self.n, seed=self.seed)
            ratio = mean_pairwise_distance(fake) / self.real_distance
            self.diversity.append((step, ratio))
            self.report("diversity", ratio < self.diversity_limit,
                        f"step {step}: samples on a fixed z batch are only {ratio:.2f}x as varied as real "
                        f"images (limit {self.diversity_limit}): signs of mode collapse. Try a lower lr, "
                        "the non-saturating or hinge loss, DiffAugment, or resume an earlier checkpoint.")
