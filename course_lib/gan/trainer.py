"""The GAN trainer: ``gan.loop.Loop`` driving a ``gan.steps.GANStep``, with the step's objects at hand.

One trainer step is ``n_critic`` discriminator steps, each on a fresh real batch and fresh z, then one
generator step and an EMA update. Everything else (sample grids, checkpoints, health checks, widgets)
hangs off callbacks: ``trainer.add_callback('on_log', fn)`` with ``fn(trainer)``. The loop is the same one
that trains the text GAN (lesson 07) and the editing U-Net (lesson 05).
"""

from __future__ import annotations

from dataclasses import dataclass

from .callbacks import EVENTS
from .loop import Loop
from .losses import get_loss, get_regularizer
from .steps import GANStep, make_augment

__all__ = ["EVENTS", "TrainConfig", "Trainer", "make_augment"]


@dataclass(frozen=True)
class TrainConfig:
    """How to train. augment: a DiffAugment policy such as 'color,translation,cutout' ('' = off), at
    ``augment_strength`` (a fraction of the paper's setting, ``data.augment.DiffAugment``); regularizer: a name from
    ``losses.REGULARIZERS`` ('' = none), added to the D loss with its weight."""

    loss: str = "non_saturating"
    batch_size: int = 64
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.5, 0.999)
    n_critic: int = 1
    ema_decay: float = 0.999
    seed: int = 0
    augment: str = ""
    augment_strength: float = 1.0
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


def delegated(name: str) -> property:
    """A property reading and setting ``self.update.<name>`` (the step object's)."""
    return property(lambda self: getattr(self.update, name), lambda self, value: setattr(self.update, name, value),
                    doc=f"The step object's ``{name}``.")


class Trainer(Loop):
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
        super().__init__(GANStep(generator, discriminator, batches, cfg, augment, regularizer, conditional,
                                 precision), log_every)

    generator, discriminator, ema = delegated("generator"), delegated("discriminator"), delegated("ema")
    opt_g, opt_d, noise = delegated("opt_g"), delegated("opt_d"), delegated("noise")
    batches, cfg, device = delegated("batches"), delegated("cfg"), delegated("device")
    augment, regularizer, precision = delegated("augment"), delegated("regularizer"), delegated("precision")
    conditional, loss = delegated("conditional"), delegated("loss")

    def draw(self, n: int):
        """Fresh z (n, latent_dim) and, when conditional, labels (n,): ``GANStep.draw``."""
        return self.update.draw(n)
