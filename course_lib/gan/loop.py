"""The one training loop of the course: model-agnostic, it drives a step object (minGPT's trainer in spirit).

A step object owns one family's models, optimisers and random streams; the loop owns everything around it:
the step count, the ``History`` of per-step statistics, callbacks, the two-stage Ctrl-C, the non-finite check
and the state of an exact resume. The families' steps are ``gan.steps.GANStep`` (noise to image, lessons
02-04 and 08), ``text2img.text_gan.MatchingAwareStep`` (description to image, lesson 07) and
``editing.pix2pix.Pix2PixStep`` (the editing U-Net, lesson 05). A step object provides:

- ``device``: where its batches live; ``images_per_step``: real images one step reads (all processes);
- ``epoch``: epochs of real data used so far (a float);
- ``__call__()``: one training step, returning its statistics as detached 0-dim tensors (no host sync);
  ``shown``: the two statistics the progress bar shows;
- ``begin()``: called when a run starts (put networks in training mode);
- ``state_dict()`` / ``load_state_dict(state)``: its part of an exact resume.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
import time

from tqdm.auto import tqdm

from ..runtime import is_main_process
from .callbacks import Callbacks
from .distributed import any_process
from .health import NonFiniteLossError, check_finite
from .history import History


class Loop(Callbacks):
    """Runs ``update`` (a step object) for a number of steps, recording its statistics in ``history``.

    log_every: steps between flushes of the statistics (and the ``on_log`` event); desc: the progress bar's.
    Callbacks are ``fn(loop)`` on ``on_step_end``, ``on_log`` (after a flush) and ``on_epoch_end``. A callback
    sets ``stop_reason`` to end the run cleanly after this step (early stopping).
    """

    def __init__(self, update, log_every: int = 25, desc: str = "train"):
        self.update, self.log_every, self.desc = update, log_every, desc
        self.history, self.step, self.images_per_second = History(), 0, math.nan
        self.init_callbacks()
        self.stop_requested, self.failure, self.stop_reason = False, None, None

    @property
    def epoch(self) -> float:
        """Epochs of real data used so far (2.5 = half-way through the third)."""
        return self.update.epoch

    def train_step(self) -> None:
        """One step of the step object; its statistics go into the history under the new step number."""
        stats = self.update()
        self.step += 1
        self.history.push(self.step, stats)

    def flush(self) -> dict[str, list]:
        """Read pending stats from the device; raises NonFiniteLossError on a NaN/inf loss or gradient."""
        if self.failure is not None:
            raise self.failure  # once non-finite, always refused: a bad state is never saved
        rows = self.history.flush()
        try:
            check_finite(rows)
        except NonFiniteLossError as err:
            self.failure = err
            raise
        return rows

    def run(self, num_steps: int, progress: bool = True) -> History:
        """Train ``num_steps`` more steps (progress: a bar on the main process). The first Ctrl-C stops after
        the current step and raises KeyboardInterrupt then, with the state consistent for ``state_dict``."""
        bar = tqdm(total=num_steps, desc=self.desc, unit="step", disable=not (progress and is_main_process()))
        self.update.begin()
        try:
            with self.interrupt_at_step_end():
                self.loop(num_steps, bar)
        finally:
            bar.close()
        self.flush()
        if self.stop_requested:
            self.stop_requested = False
            raise KeyboardInterrupt(f"training interrupted after step {self.step}")
        return self.history

    def loop(self, num_steps: int, bar) -> None:
        start, start_step, last_epoch = time.perf_counter(), self.step, int(self.epoch)
        for _ in range(num_steps):
            self.train_step()
            bar.update(1)
            self.fire("on_step_end")
            if self.step % self.log_every == 0:
                self.flush()  # a callback may have flushed already: the bar reads the history
                self.images_per_second = (self.step - start_step) * self.update.images_per_step / (
                    time.perf_counter() - start)  # all processes together
                bar.set_postfix({key: f"{self.history[key][-1]:.3f}" for key in self.update.shown
                                 if key in self.history.keys()},
                                img_s=f"{self.images_per_second:.0f}", refresh=False)
                self.fire("on_log")
            if int(self.epoch) > last_epoch:
                last_epoch = int(self.epoch)
                self.flush()
                self.fire("on_epoch_end")
            self.stop_requested = any_process(self.stop_requested, self.update.device)
            if self.stop_requested or self.stop_reason:
                return

    @contextlib.contextmanager
    def interrupt_at_step_end(self):
        """The first Ctrl-C asks the loop to stop after the current step; a second one interrupts at once."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        def handler(signum, frame):
            self.stop_requested = True
            signal.signal(signal.SIGINT, previous)

        previous = signal.signal(signal.SIGINT, handler)
        try:
            yield
        finally:
            signal.signal(signal.SIGINT, previous)

    def state_dict(self) -> dict:
        """Everything that changes while training (flushed first), for an exact resume."""
        self.flush()
        return {"step": self.step, "history": self.history.state_dict(), **self.update.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        """Continue exactly where ``state_dict()`` was taken."""
        self.update.load_state_dict(state)
        self.step = int(state["step"])
        self.history.load_state_dict(state["history"])
