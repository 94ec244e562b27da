"""The generators a lesson compares: the shipped one of each kind, or a short fast-mode run when a file is absent.

``load_or_train(kind)`` returns the generator and one sentence saying which it is, so a lesson's output
never passes off a 30-step model as the shipped one.
"""

from __future__ import annotations

from torch import nn

from .pretrained import load_pretrained, pretrained_path
from .recipes import get_recipe, make_trainer, training_data


def train_fast(kind: str, device="cpu") -> nn.Module:
    """The EMA generator (eval mode) of ``kind``'s recipe after its ``--fast`` run: fast_steps on fast_images."""
    recipe = get_recipe(kind)
    images, labels = training_data(True, recipe.fast_images)
    trainer = make_trainer(kind, recipe.model, recipe.train, images, labels, device, recipe.log_every)
    trainer.run(recipe.fast_steps)
    return trainer.ema.module.eval()


def load_or_train(kind: str, root=None, device="cpu") -> tuple[nn.Module, str]:
    """(generator in eval mode, where it came from): ROOT/KIND.pt when it exists, else ``train_fast(kind)``."""
    generator = load_pretrained(kind, root, device=device)
    path = pretrained_path(kind, root)
    if generator is not None:
        return generator, f"{kind}: the shipped generator {path}"
    recipe = get_recipe(kind)
    return train_fast(kind, device), (f"{kind}: no {path}, so a {recipe.fast_steps}-step fast-mode model trained on "
                                      f"{recipe.fast_images} images instead (its numbers say little about the recipe)")
