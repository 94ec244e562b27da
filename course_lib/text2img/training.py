"""Training a description-to-image model in three seeded phases: text encoder, tagger, GAN.

1. ``encoder``: the tokenizer learns the seen captions' vocabulary; CLIP trains with InfoNCE (seed s);
2. ``tagger``: the attribute tagger trains on the measured attributes (seed s + 1);
3. ``gan``: the text-conditioned GAN trains on the frozen encoder's embeddings (seed s + 2).

Every phase trains on the ``device`` given (``'auto'``: cuda, then mps, then the CPU); ``precision`` is the
GAN phase's autocast, resolved by the caller for that device. After each phase the model file is written
(``text2img.model.save``) with the finished phases in ``extra['phases']`` (and ``extra['device']``, the device type
they trained on). The GAN phase, the long one, runs on the course's loop (``gan.loop.Loop``): every
``SAVE_EVERY`` steps and on Ctrl-C the file also keeps the loop's state (``model.gan_state``), and a resumed
run continues the phase from that step, bit for bit. A resumed run keeps the finished phases and reruns an
unfinished encoder or tagger phase from its first step; every phase is seeded on its own, so the result
equals a run that was never interrupted (on the same device).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from ..gan.history import History
from ..gan.loop import Loop
from ..models.registry import network_entry
from ..models.text_gan import TextGANConfig
from ..runtime import resolve_device
from ..serialization import atomic_save
from .captions import training_corpus
from .catalog import Edition
from .encoder_training import train_clip
from .model import TextToImage
from .tagger import train_tagger
from .text_gan import GANRun, text_gan_loop
from .tokenizer import train_tokenizer

PHASES = ("encoder", "tagger", "gan")
SAVE_EVERY = 250  # GAN steps between saves of the loop's state inside the phase


@dataclass(frozen=True)
class Text2ImgRecipe:
    """Steps and batch sizes of the three phases; lr and mismatch are the GAN's."""

    clip_steps: int = 600
    clip_batch: int = 256
    tagger_steps: int = 600
    tagger_batch: int = 128
    gan_steps: int = 3000
    gan_batch: int = 64
    lr: float = 2e-4
    mismatch: bool = True
    gan_width: int = 48

    def __post_init__(self):
        require_positive_numbers(self)


def require_positive_numbers(recipe, skip: tuple[str, ...] = ()) -> None:
    """ValueError naming the recipe and the field when a number field of the dataclass ``recipe`` (not in ``skip``)
    is not positive; the text GAN's and the flow model's recipes share it."""
    for f in dataclasses.fields(recipe):
        value = getattr(recipe, f.name)
        if f.type in ("int", "float") and f.name not in skip and not value > 0:
            raise ValueError(f"{type(recipe).__name__}.{f.name} must be positive, got {value}.")


RECIPE = Text2ImgRecipe()
FAST_RECIPE = Text2ImgRecipe(clip_steps=30, clip_batch=64, tagger_steps=20, tagger_batch=64, gan_steps=30,
                             gan_batch=32, gan_width=16)
FAST_IMAGES = 2048  # the training images of a fast run (``train text2img --fast``)


def train_phases(data: Edition, thresholds, recipe: Text2ImgRecipe, seed: int, precision: str = "fp32",
                 model: TextToImage | None = None, save: Callable[[TextToImage], None] = lambda m: None,
                 progress: bool = True, device="auto") -> TextToImage:
    """Run the phases not yet in ``model.extra['phases']`` (all when ``model`` is None) on ``device``, calling
    ``save`` after each; returns the finished model, its networks on ``device``. data: the training split of
    the colour edition."""
    device = resolve_device(device)
    done = dict(model.extra.get("phases", {})) if model is not None else {}
    if model is None or "encoder" not in done:
        start = time.perf_counter()
        tokenizer = train_tokenizer(training_corpus(seed))
        clip, losses = train_clip(data, tokenizer, recipe.clip_steps, recipe.clip_batch, seed, progress=progress,
                                  device=device)
        done = {"encoder": {"seconds": round(time.perf_counter() - start, 1), "final_loss": round(losses[-1], 4)}}
        model = TextToImage(tokenizer, clip, None, None, thresholds,
                            {"recipe": dataclasses.asdict(recipe), "seed": seed, "precision": precision,
                             "device": device.type, "phases": done})
        save(model)
    model.to(device)  # a resumed model comes from its file wherever ``load`` put it
    model.extra["device"] = device.type  # where the last phase trained: what ``precision`` was resolved for
    if "tagger" not in done:
        start = time.perf_counter()
        model.tagger = train_tagger(data, recipe.tagger_steps, recipe.tagger_batch, seed + 1, progress=progress,
                                    device=device)
        done["tagger"] = {"seconds": round(time.perf_counter() - start, 1)}
        model.extra["phases"] = done
        save(model)
    if "gan" not in done:
        model.generator, done["gan"] = train_gan_phase(model, data, recipe, seed, precision, save, progress, device)
        model.gan_state, model.extra["phases"] = None, done
        save(model)
    return model


def train_gan_phase(model: TextToImage, data: Edition, recipe: Text2ImgRecipe, seed: int, precision: str,
                    save: Callable[[TextToImage], None], progress: bool, device) -> tuple[torch.nn.Module, dict]:
    """Train (or continue from ``model.gan_state``) the GAN phase; returns (the EMA generator, the phase's
    record). ``save(model)`` runs every SAVE_EVERY steps and on Ctrl-C with the loop's state in
    ``model.gan_state`` (then the KeyboardInterrupt goes on)."""
    run = GANRun(recipe.gan_steps, recipe.gan_batch, recipe.lr, seed + 2, recipe.mismatch, precision)
    cfg = TextGANConfig(embed_dim=model.clip.cfg.embed_dim, width=recipe.gan_width)
    loop = text_gan_loop(data, model.clip, model.tokenizer, run, cfg, device)
    history, seconds = run_resumable(model, loop, run.steps, save, progress)
    return loop.update.ema.module, {"seconds": round(seconds, 1), "final_d_loss": round(history["d_loss"][-1], 4),
                                    "final_g_loss": round(history["g_loss"][-1], 4)}


def run_resumable(model: TextToImage, loop: Loop, steps: int, save: Callable[[TextToImage], None], progress: bool,
                  on_step: Callable[[Loop, float], None] | None = None) -> tuple[History, float]:
    """Run ``loop`` until its step ``steps``, continuing from ``model.gan_state`` (the unfinished phase's loop state
    and seconds) when there is one; returns (its history, the phase's training seconds, earlier runs included).
    ``save(model)`` runs every SAVE_EVERY steps and on Ctrl-C with that state in ``model.gan_state`` (then the
    KeyboardInterrupt goes on); ``on_step(loop, seconds)`` after every step. The text GAN and the flow model
    (lesson 10) train through it."""
    start, earlier = time.perf_counter(), 0.0
    if model.gan_state is not None:
        loop.load_state_dict(model.gan_state["loop"])
        earlier = float(model.gan_state["seconds"])

    def seconds() -> float:
        return earlier + time.perf_counter() - start

    def keep(loop) -> None:
        model.gan_state = {"loop": loop.state_dict(), "seconds": seconds()}
        save(model)

    if on_step is not None:
        loop.add_callback("on_step_end", lambda loop: on_step(loop, seconds()))
    loop.add_callback("on_step_end", lambda loop: keep(loop) if loop.step % SAVE_EVERY == 0 else None)
    try:
        history = loop.run(steps - loop.step, progress)
    except KeyboardInterrupt:
        keep(loop)
        raise
    return history, seconds()


def load_or_train_text2img(device="auto", root=None) -> tuple[TextToImage, str]:
    """(the text-to-image model on ``device``, where it came from): the shipped ``text2img.pt``
    (``gan.zoo.shipped_or``), else a fast-mode model trained here on 2048 images (minutes on a CPU; its numbers
    say little about the recipe). The text says which."""
    from ..gan.zoo import shipped_or
    from .catalog import edition, training_thresholds
    from .model import load

    def train() -> TextToImage:
        thresholds = training_thresholds()
        return train_phases(edition("train", thresholds, FAST_IMAGES), thresholds, FAST_RECIPE, seed=0,
                            progress=False, device=device)

    model, source = shipped_or("text2img.pt", lambda folder: load(folder / "text2img.pt", device=device), train,
                               root)
    return model, ("the shipped model " + source.removeprefix("shipped ") if source.startswith("shipped")
                   else "no shipped text2img.pt, so a fast-mode model trained here on 2048 images")


def snapshots_to(folder, every: int, arch: str) -> Callable[[Loop, float], None]:
    """An ``on_step`` for ``run_resumable`` that writes the EMA network every ``every`` steps to
    ``folder/step_NNNNNN.pt``: {"step", "seconds" (training seconds so far), "network" (a ``models.registry``
    entry of ``arch``)}. Lesson 10's quality-against-training-seconds curves are read from them."""
    folder = Path(folder)

    def write(loop: Loop, seconds: float) -> None:
        if loop.step % every == 0:
            module = loop.update.ema.module
            atomic_save({"step": loop.step, "seconds": round(seconds, 2),
                         "network": network_entry(arch, module.cfg, module)}, folder / f"step_{loop.step:06d}.pt")

    return write
