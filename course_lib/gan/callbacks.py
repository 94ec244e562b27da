"""Callbacks, the one way training loops talk to plots, checkpoints and widgets (minGPT's trainer in spirit).

The course's one loop (``gan.loop.Loop``) inherits ``Callbacks`` and fires named events; a callback is
``fn(trainer)`` and reads what it needs from the loop (``trainer.step``, ``trainer.history``, the models
through ``trainer.update`` or, for the GAN ``Trainer``, directly). Every family (GAN, text GAN, pix2pix) runs
on that loop, so a callback written for one reads the others the same way.
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
