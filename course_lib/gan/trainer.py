"""The GAN training loop: two step functions and a model-agnostic ``Trainer`` (minGPT's trainer in spirit).

One trainer step is ``n_critic`` discriminator steps, each on a fresh real batch and fresh z, then one
generator step and an EMA update. Everything else (sample grids, checkpoints, health checks, widgets)
hangs off callbacks: ``trainer.add_callback('on_log', fn)`` with ``fn(trainer)``.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
import time
from dataclasses import dataclass

import torch
from tqdm.auto import tqdm

from ..runtime import default_precision, is_distributed, is_main_process, rank, resolve_precision, world_size
from ..serialization import CheckpointError, load_rng_owner_state, rng_owner_state, rng_states, set_rng_states
from .callbacks import EVENTS, Callbacks
from .distributed import all_gather_objects, any_process, broadcast_module, share_batchnorm
from .ema import EMA
from .health import NonFiniteLossError, check_finite
from .history import History
from .losses import get_loss, get_regularizer
from .steps import d_step, g_step

__all__ = ["EVENTS", "TrainConfig", "Trainer", "make_augment"]


@dataclass(frozen=True)
class TrainConfig:
    """How to train. augment: a DiffAugment policy such as 'color,translation,cutout' ('' = off);
    regularizer: a name from ``losses.REGULARIZERS`` ('' = none), added to the D loss with its weight."""

    loss: str = "non_saturating"
    batch_size: int = 64
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    n_critic: int = 1
    ema_decay: float = 0.999
    seed: int = 0
    augment: str = ""
    regularizer: str = ""
    regularizer_weight: float = 10.0

    def __post_init__(self):
        get_loss(self.loss)
        get_regularizer(self.regularizer, self.regularizer_weight)
        for name in ("batch_size", "n_critic"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}.")
        if not (self.lr_g > 0 and self.lr_d > 0):
            raise ValueError(f"learning rates must be positive, got lr_g={self.lr_g}, lr_d={self.lr_d}.")


def make_augment(policy: str, seed: int):
    """A DiffAugment for ``policy`` (None for ''), seeded."""
    if not policy:
        return None
    from ..augment import DiffAugment

    return DiffAugment(policy, seed=seed)


class Trainer(Callbacks):
    """Trains ``generator`` against ``discriminator`` on batches from a ``BatchSource``.

    The models must already be on the device the batches live on. conditional: call ``generator(z, labels)``
    and ``discriminator(x, labels)``, fake labels uniform over ``generator.num_classes``. augment/regularizer
    default to the ones ``cfg`` names. precision: auto, fp32 or bf16 (None: bf16 on CUDA, else fp32), resolved
    into ``precision``. z and fake labels come from the trainer's own seeded generator: runs resume exactly.

    Under torchrun (see ``gan.distributed``), build it on every process with a BatchSource of that process's
    rank: rank 0's weights are broadcast, BatchNorm statistics are shared, and noise, augmentation and the
    global RNG are seeded with ``cfg.seed + rank``. The global batch is ``world_size * cfg.batch_size``.
    """

    def __init__(self, generator, discriminator, batches, cfg: TrainConfig = TrainConfig(), *, augment=None,
                 regularizer=None, conditional: bool = False, log_every: int = 25, precision: str | None = None):
        self.device = next(generator.parameters()).device
        if batches.device != self.device:
            raise ValueError(f"the batches live on {batches.device} but the generator on {self.device}; "
                             "build the BatchSource with device=the models' device.")
        if batches.batch_size != cfg.batch_size:
            raise ValueError(f"BatchSource batch_size={batches.batch_size} but cfg.batch_size={cfg.batch_size}.")
        if world_size() > 1 and not is_distributed():
            raise RuntimeError(f"torchrun started {world_size()} processes but they have not joined a process group; "
                               "train inside `with course_lib.runtime.process_group(device):`.")
        if batches.world_size != world_size():
            raise ValueError(f"the BatchSource shards for {batches.world_size} processes but {world_size()} are "
                             "running; build it with rank=runtime.rank(), world_size=runtime.world_size().")
        if is_distributed():  # before the EMA copy, so it starts from rank 0's weights too
            for model in (generator, discriminator):
                broadcast_module(share_batchnorm(model))
            torch.manual_seed(cfg.seed + rank())  # the penalty's mixing weights differ per process
        self.generator, self.discriminator, self.batches, self.cfg = generator, discriminator, batches, cfg
        self.conditional, self.log_every, self.loss = conditional, log_every, get_loss(cfg.loss)
        self.precision = resolve_precision(precision or default_precision(self.device), self.device)

        self.augment = augment if augment is not None else make_augment(cfg.augment, cfg.seed + rank())
        self.regularizer = regularizer or get_regularizer(cfg.regularizer, cfg.regularizer_weight)
        self.opt_g = torch.optim.Adam(generator.parameters(), lr=cfg.lr_g, betas=cfg.betas)
        self.opt_d = torch.optim.Adam(discriminator.parameters(), lr=cfg.lr_d, betas=cfg.betas)
        self.ema = EMA(generator, cfg.ema_decay)
        self.noise = torch.Generator().manual_seed(cfg.seed + rank())  # CPU: the same z on every device
        self.history, self.step, self.images_per_second = History(), 0, math.nan
        self.init_callbacks()
        self.stop_requested, self.failure = False, None
        self.stop_reason = None  # set by a callback (early stopping): the run ends cleanly after this step

    @property
    def epoch(self) -> float:
        """Epochs of real data used so far (2.5 = half-way through the third)."""
        b = self.batches
        return b.epoch + b.position // b.global_batch_size / len(b)

    def draw(self, n: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Fresh z (n, latent_dim) and, when conditional, uniform labels (n,), on the device."""
        z = torch.randn(n, self.generator.latent_dim, generator=self.noise)
        labels = torch.randint(0, self.generator.num_classes, (n,), generator=self.noise) if self.conditional else None
        return z.to(self.device, non_blocking=True), None if labels is None else labels.to(self.device)

    def train_step(self) -> None:
        """n_critic discriminator steps, one generator step, an EMA update; records the step's stats."""
        d_stats = []
        for _ in range(self.cfg.n_critic):
            real, labels = self.batches.next_batch()
            z, fake_labels = self.draw(real.size(0))
            labels = labels if self.conditional else None
            d_stats.append(d_step(self.generator, self.discriminator, self.opt_d, real, z, self.loss, labels,
                                  fake_labels, self.augment, self.regularizer, self.precision))
        z, fake_labels = self.draw(real.size(0))
        g_stats = g_step(self.generator, self.discriminator, self.opt_g, z, self.loss, fake_labels,
                         self.augment, self.precision)
        self.ema.update(self.generator)
        self.step += 1
        stats = {key: torch.stack([s[key] for s in d_stats]).mean() for key in d_stats[0]}  # mean of D steps
        self.history.push(self.step, {**stats, **g_stats})

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
        """Train ``num_steps`` more generator steps (progress: a bar on the main process). Ctrl-C stops cleanly."""
        bar = tqdm(total=num_steps, desc="train", unit="step", disable=not (progress and is_main_process()))
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
                rows = self.flush()
                seconds = time.perf_counter() - start
                images = (self.step - start_step) * self.batches.global_batch_size * self.cfg.n_critic
                self.images_per_second = images / seconds  # all processes together
                bar.set_postfix(d_loss=f"{rows['d_loss'][-1]:.3f}", g_loss=f"{rows['g_loss'][-1]:.3f}",
                                img_s=f"{self.images_per_second:.0f}", refresh=False)
                self.fire("on_log")
            if int(self.epoch) > last_epoch:
                last_epoch = int(self.epoch)
                self.flush()
                self.fire("on_epoch_end")
            self.stop_requested = any_process(self.stop_requested, self.device)
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
        return {"generator": self.generator.state_dict(), "discriminator": self.discriminator.state_dict(),
                "ema": self.ema.state_dict(), "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
                "step": self.step, "noise": self.noise.get_state(), "batches": self.batches.state_dict(),
                "history": self.history.state_dict(), "augment": rng_owner_state(self.augment),
                "regularizer": rng_owner_state(self.regularizer), **self.process_states()}

    def process_states(self) -> dict:
        """Under torchrun, every process's own random streams (gathered from all; call it on all), else {}."""
        if not is_distributed():
            return {}
        mine = {"noise": self.noise.get_state(), "augment": rng_owner_state(self.augment),
                "regularizer": rng_owner_state(self.regularizer), "rng": rng_states()}
        return {"world_size": world_size(), "ranks": all_gather_objects(mine)}

    def load_state_dict(self, state: dict) -> None:
        """Continue exactly where ``state_dict()`` was taken (CheckpointError for another number of processes)."""
        saved = int(state.get("world_size", 1))
        if saved != world_size():
            how = "one plain process" if saved == 1 else f"torchrun with nodes x processes per node = {saved}"
            raise CheckpointError(f"this checkpoint was written by {saved} training process(es) and this run has "
                                  f"{world_size()}. An exact resume needs every process's own random streams: "
                                  f"resume with {how}, or start a new run in another --out folder.")
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])
        self.ema.load_state_dict(state["ema"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.step = int(state["step"])
        self.noise.set_state(state["noise"])
        self.batches.load_state_dict(state["batches"])
        self.history.load_state_dict(state["history"])
        load_rng_owner_state(self.augment, state.get("augment"))
        load_rng_owner_state(self.regularizer, state.get("regularizer"))
        if "ranks" in state:  # this process's own streams, and its global RNG
            mine = state["ranks"][rank()]
            self.noise.set_state(mine["noise"])
            load_rng_owner_state(self.augment, mine["augment"])
            load_rng_owner_state(self.regularizer, mine["regularizer"])
            set_rng_states(mine["rng"])
