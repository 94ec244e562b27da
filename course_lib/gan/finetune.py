"""Fine-tuning a pretrained GAN on a few photos of a new product line: FreezeD and the base's networks.

- ``freeze_first_blocks(discriminator, k)`` (FreezeD, Mo et al. 2020, arXiv:2002.10964): the first ``k``
  blocks of D (a block is a convolution or linear layer with the normalisation after it) keep their
  pretrained weights; only the later ones learn the new line. Low-level features (edges, the background)
  transfer; what overfits a few images is the top of D.
- ``LinearWarmUp``: both learning rates rise linearly over the first steps, so a fresh Adam state does not
  take full-size steps away from the pretrained weights at once (lesson 08 measures it).
- ``base_models``: the base file's generator (EMA weights) and discriminator, to fine-tune from. Early stopping
  and the validation FID are ``gan.scoring``'s (the one "every k steps, score and keep the best" callback).
"""

from __future__ import annotations

from torch import nn

BLOCK_STARTS = (nn.Conv2d, nn.Linear, nn.Embedding)


def discriminator_blocks(discriminator: nn.Module) -> list[list[nn.Module]]:
    """D's layers in order, grouped into blocks: each convolution/linear/embedding layer with the parameterised
    layers that follow it (its normalisation). Only layers with parameters count."""
    blocks: list[list[nn.Module]] = []
    for module in discriminator.modules():
        if next(module.parameters(recurse=False), None) is None:
            continue
        if isinstance(module, BLOCK_STARTS) or not blocks:
            blocks.append([module])
        else:
            blocks[-1].append(module)
    return blocks


def freeze_first_blocks(discriminator: nn.Module, k: int) -> int:
    """Stop training the first ``k`` blocks of ``discriminator`` (requires_grad False); returns the number of
    parameters frozen. k = 0 freezes nothing; k must leave at least one block to train."""
    blocks = discriminator_blocks(discriminator)
    if not 0 <= k < len(blocks):
        raise ValueError(f"freeze-d must be between 0 and {len(blocks) - 1} for this discriminator "
                         f"({len(blocks)} blocks; at least the last one must learn), got {k}.")
    frozen = 0
    for block in blocks[:k]:
        for module in block:
            for p in module.parameters(recurse=False):
                p.requires_grad_(False)
                frozen += p.numel()
    return frozen


class LinearWarmUp:
    """Callback ``fn(trainer)`` for ``on_step_end``: the learning rates of step s (counted from 1) are the
    recipe's times min(1, s / steps). The factor is a function of the step alone, and the optimisers' states
    hold the rates, so a resumed run continues the same schedule."""

    def __init__(self, steps: int):
        if steps < 1:
            raise ValueError(f"warm-up must be at least 1 step, got {steps}.")
        self.steps = steps

    def set_rates(self, trainer, step: int) -> None:
        """The rates for generator step ``step`` (1 is the first)."""
        factor = min(1.0, step / self.steps)
        for optimizer, rate in ((trainer.opt_g, trainer.cfg.lr_g), (trainer.opt_d, trainer.cfg.lr_d)):
            for group in optimizer.param_groups:
                group["lr"] = rate * factor

    def attach(self, trainer) -> None:
        """Set the first step's rates and register for the rest."""
        self.set_rates(trainer, trainer.step + 1)
        trainer.add_callback("on_step_end", self)

    def __call__(self, trainer) -> None:
        self.set_rates(trainer, trainer.step + 1)


def base_models(obj: dict, path="the base file") -> tuple[nn.Module, nn.Module, object]:
    """(generator, discriminator, model config), both in training mode, of a loaded GAN file to fine-tune from.

    The generator starts from the base's EMA weights (what its samples show); the discriminator from the base's
    when the file is a training checkpoint, else freshly initialised (seed torch first: the generator is built,
    then the discriminator, so the draws are the same as ``build_models``').
    """
    from ..models.registry import build_network
    from .checkpoint import checked_model_config, generator_network

    cfg = checked_model_config(path, obj)
    generator = generator_network(obj, path).train()
    discriminator = build_network(f"{obj['kind']}.discriminator", cfg)
    if "discriminator" in obj:
        discriminator.load_state_dict(obj["discriminator"])
    return generator, discriminator, cfg
