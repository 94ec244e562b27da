"""One GAN training step: the discriminator and generator updates as functions of explicit objects (no
globals), and ``GANStep``, the step object that ``gan.loop.Loop`` drives for the noise-to-image GANs.

Both update functions run the forward pass under ``course_lib.runtime.autocast`` (the precision given), cast
logits to float32 for the loss, and return detached 0-dim statistics so the caller decides when to sync with the device.
Under torchrun, the stepped network's gradients are averaged over the processes after the backward
(``gan.distributed.average_gradients``; a no-op for one process).
"""

from __future__ import annotations

import contextlib

import torch

from ..runtime import autocast, default_precision, is_distributed, rank, resolve_precision, world_size
from ..serialization import CheckpointError
from .distributed import all_gather_objects, average_gradients, broadcast_module, share_batchnorm
from .ema import EMA
from .losses import GANLoss, get_loss, get_regularizer
from .rng import load_rng_owner_state, rng_owner_state, rng_states, set_rng_states


def grad_norm(module: torch.nn.Module) -> torch.Tensor:
    """L2 norm of all of ``module``'s gradients together, as a 0-dim tensor (no host sync)."""
    norms = [p.grad.detach().float().norm() for p in module.parameters() if p.grad is not None]
    return torch.stack(norms).norm() if norms else torch.zeros(())


@contextlib.contextmanager
def frozen(module: torch.nn.Module):
    """No parameter gradients for ``module`` inside the block (gradients still flow through it)."""
    flags = [p.requires_grad for p in module.parameters()]
    module.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in zip(module.parameters(), flags):
            p.requires_grad_(flag)


def call(model, x, labels):
    """``model(x)``, or ``model(x, labels)`` for conditional models (labels not None)."""
    return model(x) if labels is None else model(x, labels)


def d_step(generator, discriminator, opt_d, real, z, loss: GANLoss, labels=None, fake_labels=None,
           augment=None, regularizer=None, precision: str | None = None) -> dict[str, torch.Tensor]:
    """One discriminator update; returns detached 0-dim stats.

    real: (B, C, S, S) in [-1, 1]; z: (B, latent_dim); labels/fake_labels: (B,) int64 when conditional.
    The fakes are made without gradients (detached), so this step never touches the generator.
    augment (x -> x) is applied to real and fake; regularizer(discriminator, real, fake, labels) sees the
    images as the discriminator saw them and is added to the loss. precision: 'fp32', 'bf16' or None (bf16 on
    CUDA only), see ``runtime.autocast``; the losses are computed from float32 logits either way.
    """
    augment = augment or (lambda x: x)
    with autocast(real.device, precision):
        with torch.no_grad():
            fake = call(generator, z, fake_labels)
        real, fake = augment(real), augment(fake)
        real_logits = call(discriminator, real, labels).float()
        fake_logits = call(discriminator, fake, fake_labels).float()
        d_loss = loss.d_loss(real_logits, fake_logits)
        penalty = regularizer(discriminator, real, fake, labels) if regularizer else None
    opt_d.zero_grad(set_to_none=True)
    (d_loss if penalty is None else d_loss + penalty).backward()
    average_gradients(discriminator)
    stats = {"d_loss": d_loss.detach(), "d_real": loss.score(real_logits.detach()).mean(),
             "d_fake": loss.score(fake_logits.detach()).mean(), "d_acc": loss.accuracy(real_logits, fake_logits),
             "d_grad_norm": grad_norm(discriminator)}
    if penalty is not None:
        stats["d_penalty"] = penalty.detach()
    opt_d.step()
    return stats


def g_step(generator, discriminator, opt_g, z, loss: GANLoss, labels=None, augment=None,
           precision: str | None = None) -> dict[str, torch.Tensor]:
    """One generator update through a frozen discriminator; returns detached 0-dim stats.

    z: (B, latent_dim); labels: (B,) int64 for conditional models (the classes asked of the generator).
    """
    augment = augment or (lambda x: x)
    with frozen(discriminator):
        with autocast(z.device, precision):
            fake_logits = call(discriminator, augment(call(generator, z, labels)), labels).float()
            g_loss = loss.g_loss(fake_logits)
        opt_g.zero_grad(set_to_none=True)
        g_loss.backward()
    average_gradients(generator)
    stats = {"g_loss": g_loss.detach(), "g_grad_norm": grad_norm(generator)}
    opt_g.step()
    return stats


def make_augment(policy: str, seed: int, strength: float = 1.0):
    """A DiffAugment for ``policy`` at ``strength`` (None for ''), seeded."""
    if not policy:
        return None
    from ..data.augment import DiffAugment

    return DiffAugment(policy, strength=strength, seed=seed)


class GANStep:
    """One trainer step of a noise-to-image GAN: ``cfg.n_critic`` discriminator steps, each on a fresh real batch
    and fresh z, then one generator step and an EMA update. Arguments as ``gan.trainer.Trainer``'s."""

    shown = ("d_loss", "g_loss")

    def __init__(self, generator, discriminator, batches, cfg, augment=None, regularizer=None,
                 conditional: bool = False, precision: str | None = None):
        self.device = next(generator.parameters()).device
        check_batches(batches, cfg.batch_size, self.device)
        if is_distributed():  # before the EMA copy, so it starts from rank 0's weights too
            for model in (generator, discriminator):
                broadcast_module(share_batchnorm(model))
            torch.manual_seed(cfg.seed + rank())  # the penalty's mixing weights differ per process
        self.generator, self.discriminator, self.batches, self.cfg = generator, discriminator, batches, cfg
        self.conditional, self.loss = conditional, get_loss(cfg.loss)
        self.precision = resolve_precision(precision or default_precision(self.device), self.device)
        self.augment = augment if augment is not None else make_augment(cfg.augment, cfg.seed + rank(),
                                                                        cfg.augment_strength)
        self.regularizer = regularizer or get_regularizer(cfg.regularizer, cfg.regularizer_weight)
        self.opt_g = torch.optim.Adam(generator.parameters(), lr=cfg.lr_g, betas=cfg.betas)
        self.opt_d = torch.optim.Adam(discriminator.parameters(), lr=cfg.lr_d, betas=cfg.betas)
        self.ema = EMA(generator, cfg.ema_decay)
        self.noise = torch.Generator().manual_seed(cfg.seed + rank())  # CPU: the same z on every device

    @property
    def images_per_step(self) -> int:
        return self.batches.global_batch_size * self.cfg.n_critic

    @property
    def epoch(self) -> float:
        b = self.batches
        return b.epoch + b.position // b.global_batch_size / len(b)

    def begin(self) -> None:
        """Nothing to set: the networks' modes are the caller's (a FreezeD discriminator keeps its own)."""

    def draw(self, n: int) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Fresh z (n, latent_dim) and, when conditional, uniform labels (n,), on the device."""
        z = torch.randn(n, self.generator.latent_dim, generator=self.noise)
        labels = torch.randint(0, self.generator.num_classes, (n,), generator=self.noise) if self.conditional else None
        return z.to(self.device, non_blocking=True), None if labels is None else labels.to(self.device)

    def __call__(self) -> dict[str, torch.Tensor]:
        """n_critic discriminator steps, one generator step, an EMA update; the mean of the D steps' stats."""
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
        return {**{key: torch.stack([s[key] for s in d_stats]).mean() for key in d_stats[0]}, **g_stats}

    def state_dict(self) -> dict:
        """The models, EMA, optimisers, random streams and data position (under torchrun, every process's)."""
        return {"generator": self.generator.state_dict(), "discriminator": self.discriminator.state_dict(),
                "ema": self.ema.state_dict(), "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict(),
                "noise": self.noise.get_state(), "batches": self.batches.state_dict(),
                "augment": rng_owner_state(self.augment), "regularizer": rng_owner_state(self.regularizer),
                **self.process_states()}

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
        for name in ("generator", "discriminator", "ema", "opt_g", "opt_d", "batches"):
            getattr(self, name).load_state_dict(state[name])
        self.noise.set_state(state["noise"])
        load_rng_owner_state(self.augment, state.get("augment"))
        load_rng_owner_state(self.regularizer, state.get("regularizer"))
        if "ranks" in state:  # this process's own streams, and its global RNG
            mine = state["ranks"][rank()]
            self.noise.set_state(mine["noise"])
            load_rng_owner_state(self.augment, mine["augment"])
            load_rng_owner_state(self.regularizer, mine["regularizer"])
            set_rng_states(mine["rng"])


def check_batches(batches, batch_size: int, device) -> None:
    """A BatchSource that matches the step: on the models' device, of the configured batch, sharded for the
    processes running (ValueError / RuntimeError saying how to build it otherwise)."""
    if batches.device != device:
        raise ValueError(f"the batches live on {batches.device} but the generator on {device}; "
                         "build the BatchSource with device=the models' device.")
    if batches.batch_size != batch_size:
        raise ValueError(f"BatchSource batch_size={batches.batch_size} but cfg.batch_size={batch_size}.")
    if world_size() > 1 and not is_distributed():
        raise RuntimeError(f"torchrun started {world_size()} processes but they have not joined a process group; "
                           "train inside `with course_lib.runtime.process_group(device):`.")
    if batches.world_size != world_size():
        raise ValueError(f"the BatchSource shards for {batches.world_size} processes but {world_size()} are "
                         "running; build it with rank=runtime.rank(), world_size=runtime.world_size().")
