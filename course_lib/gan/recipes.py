"""Default GAN training setups by model kind (what ``python -m course_lib train KIND`` runs), and
``make_trainer``, the one call that turns configs and images into a ready ``Trainer``.

Adding a GAN kind to every command is one ``Recipe`` in ``RECIPES`` (plus its architecture in
``course_lib.models.GAN_KINDS``); the editing U-Net's recipe is ``course_lib.editing.training.UNET_RECIPE``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..data import training_data
from ..data.batches import BatchSource
from ..models import build_models, get_model_kind
from ..models.cgan import CGANConfig
from ..models.dcgan import DCGANConfig
from ..models.wgan import WGANConfig
from ..runtime import rank, rank_device, select_device, world_size
from ..serialization import config_from_dict
from .trainer import TrainConfig, Trainer

__all__ = ["RECIPES", "Recipe", "get_recipe", "make_trainer", "steps_for_epochs", "train_config_from_dict",
           "trainer_for", "training_data"]


@dataclass(frozen=True)
class Recipe:
    """A default GAN setup. model: the architecture's config; train: a TrainConfig; epochs: the default run
    length; fast_images/fast_steps: the ``--fast`` run (a data subset and a few dozen steps, for CI);
    why: how the settings were chosen, with the measurements (the lessons print it)."""

    kind: str
    model: object
    train: TrainConfig
    epochs: float
    fast_images: int = 512
    fast_steps: int = 30
    log_every: int = 25
    why: str = ""


RECIPES: dict[str, Recipe] = {
    "dcgan": Recipe("dcgan", DCGANConfig(image_size=28, latent_dim=64, width=32),
                    TrainConfig(loss="non_saturating", batch_size=64, lr_g=5e-4, lr_d=5e-4), epochs=2.0,
                    why="Chosen by measurement (tiny-vs-wide and lr sweeps on Fashion-MNIST, samples judged by eye): "
                        "width 32 runs ~2x the steps/s of width 64 and, with lr 5e-4, shows every product type by "
                        "~2000 steps."),
    "cgan": Recipe("cgan", CGANConfig(image_size=28, latent_dim=64, width=32, d_norm="spectral"),
                   TrainConfig(loss="non_saturating", batch_size=64, lr_g=5e-4, lr_d=5e-4), epochs=2.0,
                   why="CBN generator + projection discriminator (lesson 03). Chosen by measurement (600 steps on the "
                       "full data, GAN-test accuracy of a judge classifier): spectral-norm D with the dcgan optimiser "
                       "0.42, batch-norm D 0.25, spectral norm + hinge at Adam(2e-4, (0, 0.9)) 0.15; grids judged by "
                       "eye agreed."),
    "wgan-gp": Recipe("wgan-gp", WGANConfig(image_size=28, latent_dim=64, width=32),
                      TrainConfig(loss="wasserstein", batch_size=64, lr_g=3e-4, lr_d=3e-4, betas=(0.0, 0.9),
                                  n_critic=5, regularizer="gp", regularizer_weight=10.0), epochs=3.0,
                      why="Gulrajani et al. 2017 (Adam betas=(0, 0.9), n_critic=5, lambda=10) with one measured "
                          "deviation: lr 3e-4 for both networks instead of 1e-4. On the CPU budgets of this course "
                          "the paper's rate is far behind (course FID after 937 generator steps, seed 0: 16.9 at "
                          "3e-4 against 26.2 at 1e-4; after 180 steps 32 against 52) and trained as stably. Width 32 "
                          "runs ~2x the steps/s of 64. 3 epochs = 563 generator steps; the shipped model (25 epochs, "
                          "4,685 generator steps) reaches FID 8.59 +- 0.17 over 3 seeds (docs/models.md)."),
}


def get_recipe(kind: str) -> Recipe:
    """The recipe of ``kind``; unknown kinds list the known ones."""
    if kind not in RECIPES:
        raise ValueError(f"no training recipe for {kind!r}; known: {', '.join(sorted(RECIPES))}.")
    return RECIPES[kind]


def train_config_from_dict(values: dict) -> TrainConfig:
    """``TrainConfig(**asdict(cfg))`` with a clear error for fields this version does not know."""
    return config_from_dict(TrainConfig, values, "train config")


def make_trainer(kind: str, model_cfg, train_cfg: TrainConfig, images: torch.Tensor,
                 labels: torch.Tensor | None = None, device: torch.device | str = "auto", log_every: int = 25,
                 **trainer_kwargs) -> Trainer:
    """Models of ``kind`` seeded with ``train_cfg.seed``, a BatchSource resident on ``device``, and their Trainer.

    images: (N, 28, 28) uint8; labels: (N,) int64 (used when the kind is conditional).
    trainer_kwargs go to ``Trainer`` (augment=, regularizer= callables). Under torchrun, call it on every
    process: each gets its shard of the batches, and ``train_cfg.batch_size`` is per process.
    """
    entry = get_model_kind(kind)
    device = rank_device(select_device(device)) if isinstance(device, str) else device
    torch.manual_seed(train_cfg.seed)
    generator, discriminator = build_models(kind, model_cfg)
    if entry.conditional and labels is None:
        raise ValueError(f"model kind {kind!r} is conditional: pass the labels of the images.")
    return trainer_for(generator.to(device), discriminator.to(device), train_cfg, images,
                       labels if entry.conditional else None, device, entry.conditional, log_every, **trainer_kwargs)


def trainer_for(generator, discriminator, train_cfg: TrainConfig, images: torch.Tensor, labels, device,
                conditional: bool = False, log_every: int = 25, **trainer_kwargs) -> Trainer:
    """A Trainer for models already built (and maybe loaded, as fine-tuning does) and on ``device``, with a
    BatchSource of ``images`` (N, S, S) uint8 resident there (this process's shard under torchrun)."""
    batches = BatchSource(images, labels, train_cfg.batch_size, getattr(generator.cfg, "image_size", 28), device,
                          seed=train_cfg.seed, rank=rank(), world_size=world_size())
    return Trainer(generator, discriminator, batches, train_cfg, conditional=conditional, log_every=log_every,
                   **trainer_kwargs)


def steps_for_epochs(trainer: Trainer, epochs: float) -> int:
    """Generator steps that use ``epochs`` epochs of real data (each step eats n_critic batches)."""
    return math.ceil(epochs * len(trainer.batches) / trainer.cfg.n_critic)
