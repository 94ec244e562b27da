"""The one clock of the studies and the measurement scripts: synchronised timing of a call or of training steps.

``timed(fn, *args, device=...)`` is the seconds of one call, with queued CUDA work waited for before and after;
``timed_steps(trainer, count, device)`` the seconds of ``count`` training steps, the deferred statistics flushed
inside the clock (the loop copies them to the CPU in batches, so leaving the flush out would hide that cost).
``bench``, ``quality`` and the scripts in ``data_scripts/`` that time training (``epoch_cost``,
``folder_speed``, ``step_candidates``) all use these.
"""

from __future__ import annotations

import time

import torch

CPU = torch.device("cpu")


def synchronize(device: torch.device) -> None:
    """Wait for the queued CUDA work (a no-op elsewhere), so a clock around it measures the work."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def timed(fn, *args, device: torch.device = CPU) -> float:
    """Seconds of ``fn(*args)`` on ``device``, synchronised before and after."""
    synchronize(device)
    start = time.perf_counter()
    fn(*args)
    synchronize(device)
    return time.perf_counter() - start


def timed_steps(trainer, count: int, device: torch.device = CPU) -> float:
    """Seconds of ``count`` steps of ``trainer`` (any family on ``gan.loop``), no progress bar, the statistics
    flushed before the clock stops."""
    def run() -> None:
        trainer.run(count, progress=False)
        trainer.flush()

    return timed(run, device=device)
