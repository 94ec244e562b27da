"""Training the editing U-Nets of lesson 05, one per task: the default setup and one task's run.

``train_task`` is what ``python -m course_lib train unet`` runs for each task, and what a lesson can call.
Every task is seeded on its own from the fit config's seed (initial weights, data order, degradations) and
trains on the course's loop (``editing.pix2pix.pix2pix_loop``). An unfinished task's file entry keeps the
loop's state (``entry["state"]``, written every SAVE_EVERY steps and on Ctrl-C), so a run that was
interrupted continues the task from that step and ends with the same weights as a run that never stopped.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import torch

from ..data.batches import BatchSource
from ..models.patchgan import PatchGAN, PatchGANConfig
from ..models.unet import UNet, UNetConfig
from ..runtime import rank, world_size
from .checkpoint import task_entry
from .pix2pix import FitConfig, pix2pix_loop
from .restoring import RESIDUAL

BATCH_SIZE = 64
SAVE_EVERY = 250  # steps between checkpoints inside a task


@dataclass(frozen=True)
class UNetRecipe:
    """The default ``train unet`` setup: the U-Net, the fit settings, and the ``--fast`` run (a data subset
    and a few dozen steps, for CI)."""

    model: UNetConfig
    fit: FitConfig
    fast_images: int = 512
    fast_steps: int = 30


# One model per task (see course_lib.editing.pix2pix for why), width 16, L1 only, Adam 1e-3 falling to 0 over
# the second half, strengths drawn in [0, 1]. 3000 steps of 64 per task (3.2 epochs): denoise at sigma 0.2
# needed them to clear NL-means by 4 dB (23.73 dB at 2000 steps).
UNET_RECIPE = UNetRecipe(UNetConfig(cond_channels=1, width=16), FitConfig(num_steps=3000))


@dataclass(frozen=True)
class UNetRun:
    """What one ``train unet`` run trains: tasks in order, the U-Net (residual set per task), the fit
    settings (``tasks`` set per task), batch size, whether a PatchGAN joins, and the data size."""

    tasks: tuple[str, ...]
    model: UNetConfig
    fit: FitConfig
    batch_size: int
    adversarial: bool
    num_images: int


def run_dict(run: UNetRun) -> dict:
    """The run as plain values (stored in the file, compared on --resume)."""
    return {**dataclasses.asdict(run), "tasks": list(run.tasks)}


def history_columns(history) -> dict[str, torch.Tensor]:
    """A flushed ``History`` -> {column: (steps,) float64 tensor}, with 'step' (what the U-Net file stores)."""
    history.flush()
    return {"step": torch.tensor(history.steps, dtype=torch.float64),
            **{k: torch.tensor(v, dtype=torch.float64) for k, v in history.values.items()}}


def train_task(task: str, run: UNetRun, images: torch.Tensor, device: torch.device, checkpoint,
               resume: dict | None = None) -> dict:
    """Train the U-Net of ``task``; returns its file entry. ``checkpoint(entry)`` saves the file with an
    unfinished entry (holding the loop's state) every SAVE_EVERY steps and on Ctrl-C (then the
    KeyboardInterrupt goes on); ``resume``: such an unfinished entry, continued from its step.

    images: (N, 28, 28) uint8 clean training images. Under torchrun, call it on every process (the
    batch size is per process; ``checkpoint`` should write on rank 0 only).
    """
    fit = dataclasses.replace(run.fit, tasks=(task,))
    torch.manual_seed(fit.seed)
    unet = UNet(dataclasses.replace(run.model, residual=RESIDUAL[task])).to(device)
    patch_d = PatchGAN(PatchGANConfig(cond_channels=run.model.cond_channels)).to(device) if run.adversarial else None
    batches = BatchSource(images, None, run.batch_size, 28, device, seed=fit.seed, rank=rank(),
                          world_size=world_size())  # under torchrun: this process's shard of each batch
    loop, start, earlier = pix2pix_loop(unet, batches, fit, patch_d), time.perf_counter(), 0.0
    if resume is not None:
        loop.load_state_dict(resume["state"])
        earlier = float(resume["seconds"])

    def entry(state: bool = False):
        made = task_entry(unet, fit, loop.step, earlier + time.perf_counter() - start, history_columns(loop.history))
        return {**made, "state": loop.state_dict()} if state else made

    def save_now_and_then(loop):
        if loop.step % SAVE_EVERY == 0 and loop.step < fit.num_steps:
            checkpoint(entry(state=True))

    loop.add_callback("on_step_end", save_now_and_then)
    try:
        loop.run(fit.num_steps - loop.step)
    except KeyboardInterrupt:
        checkpoint(entry(state=True))
        raise
    return entry()
