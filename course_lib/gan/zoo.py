"""The shipped generators, and the ones a lesson compares: a shipped file, or a short fast-mode run without one.

A shipped generator is ``KIND.pt`` in the shipped checkpoints folder (``serialization.shipped_dir``;
``wgan-gp`` -> ``wgan_gp.pt``), a slim generator file or a training checkpoint, read by
``checkpoint.read_generator``. In a lesson, one line swaps the generator it trained for the shipped one:

    generator = pretrained_or(trainer.ema.module, "cgan")

``load_or_train(kind)`` returns a generator and one sentence saying which it is, so a lesson's output
never passes off a 30-step model as the shipped one. Both are built on ``shipped_or(names, load, train)``, the one
"shipped file, else train" helper, which the U-Nets (``editing.checkpoint``) and the text-to-image model
(``text2img.training.load_or_train_text2img``) use too.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import torch
from torch import nn

from ..models import get_model_kind
from ..serialization import CheckpointError, shipped_dir
from .checkpoint import read_generator
from .recipes import get_recipe, make_trainer, training_data

T = TypeVar("T")


def shipped_or(names, load: Callable[[Path], T], train: Callable[[], T], root=None) -> tuple[T, str]:
    """(``load(folder)``, "shipped (PATHS)") when every file in ``names`` (a name or a tuple of names) is in the
    shipped folder (``serialization.shipped_dir()``, or ``root``), else (``train()``, "trained here"), so the
    caller can say which model it got. A shipped file that is damaged raises from ``load``, never falls back."""
    names = (names,) if isinstance(names, str) else tuple(names)
    try:
        folder = Path(shipped_dir() if root is None else root)
    except FileNotFoundError:
        return train(), "trained here"  # no shipped folder at all
    if all((folder / name).is_file() for name in names):
        return load(folder), f"shipped ({', '.join(str(folder / name) for name in names)})"
    return train(), "trained here"


def pretrained_path(kind: str, root=None) -> Path:
    """Where the shipped generator of ``kind`` lives: ROOT/KIND.pt with '-' as '_' (default: ``shipped_dir()``)."""
    get_model_kind(kind)
    return Path(shipped_dir() if root is None else root) / f"{kind.replace('-', '_')}.pt"


def load_pretrained(kind: str, root=None, device="auto") -> torch.nn.Module | None:
    """The shipped generator of ``kind`` in eval mode on ``device``, or None when there is none.

    A file that exists but is damaged, or holds another kind, raises CheckpointError saying which.
    """
    try:
        path = pretrained_path(kind, root)
    except FileNotFoundError:
        return None  # no shipped folder at all: the lessons train their own
    if not path.is_file():
        return None
    generator, obj = read_generator(path, device)
    if obj["kind"] != kind:
        raise CheckpointError(f"{path} holds a {obj['kind']!r} generator, not {kind!r}: rename or re-export it.")
    return generator


def where(kind: str, root=None) -> str:
    """The shipped file's path as text, or why there is none."""
    try:
        return str(pretrained_path(kind, root))
    except FileNotFoundError as err:
        return f"(no shipped folder: {err})"


def pretrained_or(generator: torch.nn.Module, kind: str, root=None, verbose: bool = True) -> torch.nn.Module:
    """The shipped generator of ``kind`` when there is one, else ``generator`` (says which in one line)."""
    pretrained = load_pretrained(kind, root, device=next(generator.parameters()).device)
    if verbose:
        print(f"using the pretrained generator {where(kind, root)}" if pretrained is not None
              else f"no pretrained {kind} generator at {where(kind, root)}: using the one trained above")
    return generator if pretrained is None else pretrained


def train_fast(kind: str, device="auto") -> nn.Module:
    """The EMA generator (eval mode, on ``device``) of ``kind``'s recipe after its ``--fast`` run: fast_steps on
    fast_images."""
    recipe = get_recipe(kind)
    images, labels = training_data(True, recipe.fast_images)
    trainer = make_trainer(kind, recipe.model, recipe.train, images, labels, device, recipe.log_every)
    trainer.run(recipe.fast_steps)
    return trainer.ema.module.eval()


def load_or_train(kind: str, root=None, device="auto") -> tuple[nn.Module, str]:
    """(generator in eval mode on ``device``, where it came from): the shipped file when it exists, else
    ``train_fast(kind, device)``."""
    file = pretrained_path(kind, root).name if root is not None else f"{kind.replace('-', '_')}.pt"
    generator, source = shipped_or(file, lambda folder: load_pretrained(kind, folder, device),
                                   lambda: train_fast(kind, device), root)
    if source != "trained here":
        return generator, f"{kind}: the shipped generator {where(kind, root)}"
    recipe = get_recipe(kind)
    return generator, (f"{kind}: no {where(kind, root)}, so a {recipe.fast_steps}-step fast-mode model trained on "
                       f"{recipe.fast_images} images instead (its numbers say little about the recipe)")
