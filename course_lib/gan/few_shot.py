"""Few-shot fine-tuning: the methods, the new line's data, a trainer started from a base, and the discriminator's
overfitting probe (lesson 08 and ``finetune``). Measuring runs is a study: ``studies.few_shot_runs``.

- ``FINETUNE_METHODS``: from scratch, full fine-tune, FreezeD (Mo et al. 2020), each with and without DiffAugment
  (Zhao et al. 2020) on real and fake in both D and G steps.
- ``STUDY_METHODS``: variants of the full fine-tune measured beside the table (learning rate, warm-up, a fresh D,
  weaker or translation-only DiffAugment); ``METHODS`` holds both.
- ``new_line``: N seeded train images of one category, and validation images from the train images the run does
  not use; ``report_split``: that category's test images, kept for the final numbers only.
- ``finetune_trainer``: a Trainer that starts from a base GAN file with one method's settings.
- ``DiscriminatorProbe``: D's accuracy on its N training images against held-out images of the same line:
  the gap is discriminator overfitting, the reason few-shot GANs fail.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch

from ..categories import CLASS_NAMES
from ..data import FashionMNIST, to_float
from ..runtime import eval_mode, resolve_device
from . import recipes
from .finetune import LinearWarmUp, base_models, freeze_first_blocks

POLICY = "translation,cutout"  # DiffAugment's policy here: colour jitter means little on grey thumbnails
FREEZE_K = 1  # FreezeD keeps the first of the DCGAN discriminator's three blocks (conv; conv+BN; linear)


@dataclass(frozen=True)
class Method:
    """One way to adapt a base GAN: what is kept from it, and the augmentation."""

    freeze_d: int = 0  # D's first blocks kept frozen (FreezeD)
    augment: str = ""  # DiffAugment policy on real and fake, '' = none
    from_scratch: bool = False  # the base's architecture with fresh weights
    strength: float = 1.0  # DiffAugment's strength, a fraction of the paper's setting (data.augment.DiffAugment)
    lr_scale: float = 1.0  # both learning rates times this (the base recipe's are 5e-4)
    warmup: int = 0  # generator steps of a linear learning-rate warm-up from lr/warmup (gan.finetune.LinearWarmUp)
    fresh_d: bool = False  # the base's generator with a freshly initialised discriminator

    def flags(self) -> str:
        """The ``finetune`` command-line flags for this method."""
        parts = ["--from-scratch"] * self.from_scratch + [f"--freeze-d {self.freeze_d}"] * bool(self.freeze_d)
        parts += ["--fresh-d"] * self.fresh_d + [f"--augment {self.augment}"] * bool(self.augment)
        parts += [f"--augment-strength {self.strength:g}"] * (self.strength != 1.0)
        parts += [f"--lr-scale {self.lr_scale:g}"] * (self.lr_scale != 1.0)
        parts += [f"--warmup {self.warmup}"] * bool(self.warmup)
        return " ".join(parts) or "(none)"


FINETUNE_METHODS = {
    "from scratch": Method(from_scratch=True),
    "from scratch + DiffAugment": Method(from_scratch=True, augment=POLICY),
    "full fine-tune": Method(),
    "full + DiffAugment": Method(augment=POLICY),
    "FreezeD": Method(freeze_d=FREEZE_K),
    "FreezeD + DiffAugment": Method(freeze_d=FREEZE_K, augment=POLICY),
    "FreezeD K=2": Method(freeze_d=2),  # everything but D's last (linear) block: a meaningful share
}

STUDY_METHODS = {  # why the fine-tuned start is slow at N = 10, and weaker DiffAugment (data_scripts/finetune_table.py)
    "full, lr x0.3": Method(lr_scale=0.3),
    "full, lr x0.1": Method(lr_scale=0.1),
    "full, warm-up 100": Method(warmup=100),
    "full, fresh D": Method(fresh_d=True),
    "full + translation": Method(augment="translation"),
    "full + DiffAugment 0.5": Method(augment=POLICY, strength=0.5),
    "full + DiffAugment 0.25": Method(augment=POLICY, strength=0.25),
}
METHODS = {**FINETUNE_METHODS, **STUDY_METHODS}


def new_line(data: FashionMNIST, category: int, n: int, seed: int, validation: int = 1000
             ) -> tuple[torch.Tensor, torch.Tensor]:
    """(N train images (n, 28, 28) uint8, ``validation`` other train images (M, 1, 28, 28) in [-1, 1]) of
    ``category``: the head and the tail of one seeded permutation of its train images, so the two never share
    an image, and the validation set of a seed is the same for every n. The test images stay out of both
    (``report_split``): selecting a checkpoint and reporting its score on the same photos flatters it (lesson 06)."""
    pool = line_order(data, category, seed)
    if not 1 <= n <= len(pool) - validation:
        raise ValueError(f"n must be between 1 and {len(pool) - validation} (the {len(pool)} train images of "
                         f"{CLASS_NAMES[category]} less {validation} held out to validate on), got {n}.")
    return pool[:n], to_float(pool[len(pool) - validation:])


def line_order(data: FashionMNIST, category: int, seed: int) -> torch.Tensor:
    """The train images of ``category`` (M, 28, 28) uint8 in the seeded order ``new_line`` splits: the N photos
    from the head, the validation set from the tail."""
    pool = data.train_images[data.train_labels == category]
    return pool[torch.randperm(len(pool), generator=torch.Generator().manual_seed(seed))]


def report_split(data: FashionMNIST, category: int, limit: int | None = None) -> torch.Tensor:
    """The test images of ``category`` (the first ``limit``), (M, 1, 28, 28) in [-1, 1]: the final report's."""
    return to_float(data.test_images[data.test_labels == category][:limit])


def finetune_trainer(base: dict, images: torch.Tensor, method: Method, seed: int, device, log_every: int = 10,
                     precision: str | None = None):
    """(Trainer, model config, parameters frozen) for fine-tuning ``base`` (a loaded GAN file) on ``images``
    (N, 28, 28) uint8 with ``method``: the base recipe's losses and learning rates, a batch of at most N.
    precision: see ``Trainer`` (None: bf16 on CUDA, fp32 elsewhere). device: a torch.device or a name ('auto')."""
    device = resolve_device(device)
    recipe = recipes.get_recipe(base["kind"])
    train_cfg = dataclasses.replace(recipe.train, batch_size=min(recipe.train.batch_size, len(images)),
                                    augment=method.augment, augment_strength=method.strength, seed=seed,
                                    lr_g=recipe.train.lr_g * method.lr_scale, lr_d=recipe.train.lr_d * method.lr_scale)
    torch.manual_seed(seed)
    generator, discriminator, model_cfg = base_models(base)
    if (method.from_scratch or method.fresh_d) and method.freeze_d:
        raise ValueError("a fresh discriminator has no pretrained blocks to freeze: use freeze_d=0.")
    if method.from_scratch or method.fresh_d:
        from ..models import build_models

        fresh_g, discriminator = build_models(base["kind"], model_cfg)  # fresh, seeded above
        generator = fresh_g if method.from_scratch else generator
    frozen = freeze_first_blocks(discriminator, method.freeze_d)
    trainer = recipes.trainer_for(generator.to(device), discriminator.to(device), train_cfg, images, None, device,
                                  conditional=False, log_every=log_every, precision=precision)
    if method.warmup:
        LinearWarmUp(method.warmup).attach(trainer)
    return trainer, model_cfg, frozen


class DiscriminatorProbe:
    """Callback ``fn(trainer)``: every ``every`` steps, the share of D's training images and of held-out real
    images of the same line that D calls real (logit > 0). ``curve``: (step, train accuracy, held-out accuracy).

    train, held_out: (N, 1, 28, 28) in [-1, 1]. D runs in eval mode, so the probe changes nothing.
    """

    def __init__(self, train: torch.Tensor, held_out: torch.Tensor, every: int):
        self.train, self.held_out, self.every = train, held_out, every
        self.curve: list[tuple[int, float, float]] = []

    def accuracy(self, discriminator, images: torch.Tensor) -> float:
        device = next(discriminator.parameters()).device
        with torch.no_grad(), eval_mode(discriminator):
            return (discriminator(images.to(device)) > 0).float().mean().item()

    def __call__(self, trainer) -> None:
        if trainer.step % self.every == 0:
            d = trainer.discriminator
            self.curve.append((trainer.step, self.accuracy(d, self.train), self.accuracy(d, self.held_out)))
