"""Callbacks, the one way training loops talk to plots, checkpoints and widgets (minGPT's trainer in spirit).

A loop that inherits ``Callbacks`` fires named events; a callback is ``fn(trainer)`` and reads what it needs
from the trainer (``trainer.step``, ``trainer.history``, the models). The GAN ``Trainer`` and the editing
``Pix2PixTrainer`` both use it, so a callback written for one reads the other the same way.
"""

from __future__ import annotations

from collections.abc import Callable

EVENTS = ("on_step_end", "on_log", "on_epoch_end")


class Callbacks:
    """``add_callback(event, fn)`` and ``fire(event)`` over the events in ``EVENTS``."""

    def init_callbacks(self) -> None:
        self.callbacks: dict[str, list[Callable]] = {event: [] for event in EVENTS}

    def add_callback(self, event: str, fn: Callable) -> None:
        """Call ``fn(trainer)`` on ``event`` (one of EVENTS)."""
        if event not in self.callbacks:
            raise ValueError(f"unknown event {event!r}; events: {', '.join(EVENTS)}.")
        self.callbacks[event].append(fn)

    def fire(self, event: str) -> None:
        """Call every callback registered for ``event`` with this trainer."""
        for fn in self.callbacks[event]:
            fn(self)
