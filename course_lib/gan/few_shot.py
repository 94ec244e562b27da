"""Few-shot fine-tuning: the methods, the new line's data, a trainer started from a base, and the discriminator's
overfitting probe (lesson 08 and ``finetune``). Measuring runs is a study: ``studies.few_shot_runs``.

- ``FINETUNE_METHODS``: from scratch, full fine-tune, FreezeD (Mo et al. 2020), each with and without DiffAugment
  (Zhao et al. 2020) on real and fake in both D and G steps.
- ``new_line``: N seeded train images of one category, and that category's test images to validate on.
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
from .finetune import base_models, freeze_first_blocks

POLICY = "translation,cutout"  # DiffAugment's policy here: colour jitter means little on grey thumbnails
FREEZE_K = 1  # FreezeD keeps the first of the DCGAN discriminator's three blocks (conv; conv+BN; linear)


@dataclass(frozen=True)
class Method:
    """One way to adapt a base GAN: what is kept from it, and the augmentation."""

    freeze_d: int = 0  # D's first blocks kept frozen (FreezeD)
    augment: str = ""  # DiffAugment policy on real and fake, '' = none
    from_scratch: bool = False  # the base's architecture with fresh weights

    def flags(self) -> str:
        """The ``finetune`` command-line flags for this method."""
        parts = ["--from-scratch"] * self.from_scratch + [f"--freeze-d {self.freeze_d}"] * bool(self.freeze_d)
        return " ".join(parts + [f"--augment {self.augment}"] * bool(self.augment)) or "(none)"


FINETUNE_METHODS = {
    "from scratch": Method(from_scratch=True),
    "from scratch + DiffAugment": Method(from_scratch=True, augment=POLICY),
    "full fine-tune": Method(),
    "full + DiffAugment": Method(augment=POLICY),
    "FreezeD": Method(freeze_d=FREEZE_K),
    "FreezeD + DiffAugment": Method(freeze_d=FREEZE_K, augment=POLICY),
}


def new_line(data: FashionMNIST, category: int, n: int, seed: int, validation: int = 1000
             ) -> tuple[torch.Tensor, torch.Tensor]:
    """(N seeded train images (n, 28, 28) uint8, the first ``validation`` test images of ``category`` as
    (M, 1, 28, 28) in [-1, 1]). The two splits never share an image."""
    pool = data.train_images[data.train_labels == category]
    if not 1 <= n <= len(pool):
        raise ValueError(f"n must be between 1 and {len(pool)} (the train images of {CLASS_NAMES[category]}), got {n}.")
    chosen = pool[torch.randperm(len(pool), generator=torch.Generator().manual_seed(seed))[:n]]
    return chosen, to_float(data.test_images[data.test_labels == category][:validation])


def finetune_trainer(base: dict, images: torch.Tensor, method: Method, seed: int, device, log_every: int = 10,
                     precision: str | None = None):
    """(Trainer, model config, parameters frozen) for fine-tuning ``base`` (a loaded GAN file) on ``images``
    (N, 28, 28) uint8 with ``method``: the base recipe's losses and learning rates, a batch of at most N.
    precision: see ``Trainer`` (None: bf16 on CUDA, fp32 elsewhere). device: a torch.device or a name ('auto')."""
    device = resolve_device(device)
    recipe = recipes.get_recipe(base["kind"])
    train_cfg = dataclasses.replace(recipe.train, batch_size=min(recipe.train.batch_size, len(images)),
                                    augment=method.augment, seed=seed)
    torch.manual_seed(seed)
    generator, discriminator, model_cfg = base_models(base)
    if method.from_scratch:
        if method.freeze_d:
            raise ValueError("from scratch there are no pretrained discriminator blocks to freeze: use freeze_d=0.")
        from ..models import build_models

        generator, discriminator = build_models(base["kind"], model_cfg)  # fresh, seeded above
    frozen = freeze_first_blocks(discriminator, method.freeze_d)
    trainer = recipes.trainer_for(generator.to(device), discriminator.to(device), train_cfg, images, None, device,
                                  conditional=False, log_every=log_every, precision=precision)
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
