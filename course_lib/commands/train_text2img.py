"""``python -m course_lib train text2img``: the description-to-image model of lesson 07 (描述→图片).

Trains the three phases of ``course_lib.text2img.training`` on the colour edition of the catalog and writes
``--out`` (default ``runs/text2img``): ``checkpoint.pt`` (the text2img file, after every phase) and
``samples.png`` (one row per example prompt, English and 中文). ``--resume`` keeps the finished phases and
continues the GAN phase from its last save (every ``text2img.training.SAVE_EVERY`` steps, and on Ctrl-C: exit
130); a non-finite loss stops with exit 1. Under torchrun every process trains the encoder and the tagger alike
(seeded, small) and its own share of the GAN's batches; rank 0 alone writes.
"""

from __future__ import annotations

import dataclasses

import torch

from ..plots import save_grid
from ..runtime import (
    configure_cpu_threads,
    fast_mode,
    is_main_process,
    rank_device,
    resolve_precision,
    say,
    select_device,
)
from ..text2img.catalog import edition, training_thresholds
from ..text2img.model import load, save
from ..text2img.training import FAST_IMAGES, FAST_RECIPE, PHASES, RECIPE, train_phases
from .runs import RunFolder

EXAMPLE_PROMPTS = ("a red dress", "红色宽松连衣裙", "a light blue ankle boot", "一双黑色短靴", "a dark green coat",
                   "黄色花纹T恤", "a wide pink bag", "紫色修身长裤")


def recipe_for(args, fast: bool):
    """The recipe, with ``--epochs`` scaling the GAN phase's steps (one epoch = 60000 / batch steps)."""
    recipe = FAST_RECIPE if fast else RECIPE
    if args.epochs is not None:
        steps = max(1, round(args.epochs * 60_000 / recipe.gan_batch))
        recipe = dataclasses.replace(recipe, gan_steps=steps)
    return recipe


def train_text2img(args) -> int:
    """Train (or resume) in the run folder, locked while it runs, and write the model file and the sample rows;
    returns the exit code. The flags and the device are checked before the folder is made."""
    configure_cpu_threads()
    device = rank_device(select_device(args.device))
    with RunFolder(args.out or "runs/text2img", args.resume) as folder:
        return train_into(folder, args, device)


def train_into(folder: RunFolder, args, device) -> int:
    """Train into ``folder`` (taken: locked, checked against ``--resume``) on ``device``; the exit code."""
    fast = args.fast or fast_mode()
    out, path = folder.out, folder.checkpoint
    say(f"networks on: {device}")
    previous = load(path, finished=False, device=device) if args.resume and path.exists() else None
    precision = resolve_precision(args.precision, device)
    seed = args.seed if args.seed is not None else 0
    recipe = recipe_for(args, fast)
    if previous is not None:
        saved = previous.extra
        folder.check_same_run({key: saved.get(key) for key in ("seed", "precision", "recipe")},
                              {"seed": seed, "precision": precision, "recipe": dataclasses.asdict(recipe)})
        say(f"resuming {path}: phases done {', '.join(saved.get('phases', {})) or 'none'} of {', '.join(PHASES)}")
    say("colour edition: measuring the attributes of the training split (thresholds per category)")
    thresholds = training_thresholds()
    data = edition("train", thresholds, FAST_IMAGES if fast else None)
    say(f"train text2img: {len(data)} images, seed {seed}, {precision} on {device}, recipe "
        f"{dataclasses.asdict(recipe)}")
    trained = []  # train_phases saves the file after each phase, every SAVE_EVERY GAN steps and on Ctrl-C
    code = folder.train(lambda: trained.append(train_phases(data, thresholds, recipe, seed, precision, previous,
                                                            lambda m: save_on_rank_0(path, m),
                                                            progress=is_main_process(), device=device)), lambda: None)
    if code:
        return code
    model = trained[0]
    if is_main_process():
        images = [model.generate(prompt, n=8, seed=seed)[0] for prompt in EXAMPLE_PROMPTS]
        save_grid(torch.cat(images), out / "samples.png", nrow=8)
    seconds = sum(p["seconds"] for p in model.extra["phases"].values())
    say(f"wrote {path} and {out / 'samples.png'} (rows: {'; '.join(EXAMPLE_PROMPTS)}); phases took {seconds:.0f} s")
    return 0


def save_on_rank_0(path, model) -> None:
    """The model file, written by rank 0 alone under torchrun (every process calls it, after the loop's state
    was gathered from all)."""
    if is_main_process():
        save(path, model)
