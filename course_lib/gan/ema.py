"""An exponential moving average (EMA) of a generator's weights: smoother samples than the live model.

After each generator step, ``ema = decay * ema + (1 - decay) * weights``. Early in training the decay is
warmed up as ``min(decay, (1 + n) / (10 + n))`` after n updates, so a short run's average is not
dominated by the random initial weights. Buffers (BatchNorm running statistics) are copied, not averaged.
"""

from __future__ import annotations

import copy

import torch
from torch import nn


class EMA:
    """Holds ``module``, an eval-mode, gradient-free copy of ``model`` that tracks its average weights."""

    def __init__(self, model: nn.Module, decay: float = 0.999):
        if not 0.0 <= decay < 1.0:
            raise ValueError(f"EMA decay must be in [0, 1), got {decay}.")
        self.decay, self.num_updates = decay, 0
        self.module = copy.deepcopy(model).eval().requires_grad_(False)

    def current_decay(self) -> float:
        """The decay the next update uses (warm-up included)."""
        return min(self.decay, (1 + self.num_updates) / (10 + self.num_updates))

    @torch.no_grad()
    def update(self, model: nn.Module) -> None:
        """Move the average towards ``model``'s current weights and copy its buffers."""
        weight = 1.0 - self.current_decay()
        for mine, theirs in zip(self.module.parameters(), model.parameters()):
            mine.lerp_(theirs.detach(), weight)
        for mine, theirs in zip(self.module.buffers(), model.buffers()):
            mine.copy_(theirs)
        self.num_updates += 1

    def state_dict(self) -> dict:
        """The averaged weights and the update count (for checkpoints)."""
        return {"module": self.module.state_dict(), "num_updates": self.num_updates, "decay": self.decay}

    def load_state_dict(self, state: dict) -> None:
        """Restore what ``state_dict()`` returned."""
        self.module.load_state_dict(state["module"])
        self.num_updates, self.decay = int(state["num_updates"]), float(state["decay"])
