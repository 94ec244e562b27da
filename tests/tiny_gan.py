"""A tiny seeded DCGAN trainer on random uint8 images, shared by the training and checkpoint tests."""

from __future__ import annotations

import torch

from course_lib.data.batches import BatchSource
from course_lib.gan.trainer import TrainConfig, Trainer
from course_lib.models.dcgan import DCGANConfig, build_dcgan

MODEL_CFG = DCGANConfig(latent_dim=4, width=4)
TRAIN_CFG = TrainConfig(batch_size=8, lr_g=1e-3, lr_d=1e-3, seed=3)


def tiny_images(n: int = 40, seed: int = 0) -> torch.Tensor:
    """(n, 28, 28) uint8 noise."""
    return torch.randint(0, 256, (n, 28, 28), dtype=torch.uint8, generator=torch.Generator().manual_seed(seed))


def tiny_trainer(cfg: TrainConfig = TRAIN_CFG, model_cfg: DCGANConfig = MODEL_CFG, n: int = 40,
                 log_every: int = 4, init_seed: int | None = None, **kwargs) -> Trainer:
    """A Trainer on ``n`` random images; ``init_seed`` (default cfg.seed) seeds the model init."""
    torch.manual_seed(cfg.seed if init_seed is None else init_seed)
    generator, discriminator = build_dcgan(model_cfg)
    batches = BatchSource(tiny_images(n), None, cfg.batch_size, model_cfg.image_size, "cpu", seed=cfg.seed)
    return Trainer(generator, discriminator, batches, cfg, log_every=log_every, **kwargs)


def tiny_base(folder) -> dict:
    """A tiny dcgan training checkpoint after 4 steps (generator, EMA and discriminator), saved in ``folder`` and
    loaded back as ``finetune`` loads a base."""
    from course_lib.gan.checkpoint import load_checkpoint, save_checkpoint

    trainer = tiny_trainer()
    trainer.run(4)
    path = folder / "checkpoint.pt"
    save_checkpoint(path, trainer, "dcgan", MODEL_CFG)
    return load_checkpoint(path)
