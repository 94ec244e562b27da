"""``python -m course_lib train flow``: lesson 10's flow-matching model, on lesson 07's text encoder.

Reads the base (``--base``, default the shipped ``checkpoints/text2img.pt``: its tokenizer, encoder, tagger and
attribute thresholds), trains the velocity network of ``course_lib.text2img.flow_training`` on the colour edition
and writes ``--out`` (default ``runs/flow``): ``checkpoint.pt`` (a text2img-format file of kind ``flow``) and
``samples.png`` (the example prompts of ``train text2img``, one row each). ``--snapshot-every N`` also writes the
EMA network every N steps to ``snapshots/`` with its training seconds (lesson 10's curves); ``--tensorboard DIR``
logs the loss. ``--resume`` continues from the last save (every ``text2img.training.SAVE_EVERY`` steps, and on
Ctrl-C: exit 130); a non-finite loss stops with exit 1. Under torchrun every process draws its own batches and the
gradients are averaged; rank 0 alone writes.
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
from ..serialization import file_sha256
from ..text2img.catalog import edition
from ..text2img.flow_training import FAST_RECIPE, RECIPE, flow_model, train_flow
from ..text2img.model import load
from ..text2img.training import FAST_IMAGES, snapshots_to
from . import UserError
from .runs import RunFolder
from .train_text2img import EXAMPLE_PROMPTS, save_on_rank_0
from .train_tracking import check_flags


def recipe_for(args, fast: bool):
    """The recipe, with ``--epochs`` setting the steps (one epoch = 60000 / batch steps)."""
    recipe = FAST_RECIPE if fast else RECIPE
    if args.epochs is not None:
        recipe = dataclasses.replace(recipe, steps=max(1, round(args.epochs * 60_000 / recipe.batch)))
    return recipe


def train_flow_command(args) -> int:
    """Train (or resume) in the run folder, locked while it runs; returns the exit code."""
    check_flags(args)
    configure_cpu_threads()
    device = rank_device(select_device(args.device))
    base = load(args.base, device=device)  # a missing or wrong base is refused before the folder is made
    if base.kind != "text2img":
        raise UserError(f"--base {args.base} is a {base.kind} file; pass a text2img file (checkpoints/text2img.pt).")
    with RunFolder(args.out or "runs/flow", args.resume) as folder:
        return train_into(folder, base, args, device)


def train_into(folder: RunFolder, base, args, device) -> int:
    """Train into ``folder`` on ``device`` from ``base``'s encoder; the exit code."""
    fast = args.fast or fast_mode()
    path, seed, recipe = folder.checkpoint, (args.seed if args.seed is not None else 0), recipe_for(args, fast)
    precision = resolve_precision(args.precision, device)
    settings = {"seed": seed, "precision": precision, "recipe": dataclasses.asdict(recipe),
                "base_sha256": file_sha256(args.base)}
    model = load(path, finished=False, device=device) if args.resume and path.exists() else None
    if model is not None:
        folder.check_same_run({key: model.extra.get(key) for key in settings}, settings)
        say(f"resuming {path} at step {model.gan_state['loop']['step'] if model.gan_state else 'end'}")
    else:
        model = flow_model(base, {**settings, "base": str(args.base), "device": device.type})
    data = edition("train", base.thresholds, FAST_IMAGES if fast else None)
    say(f"train flow: {len(data)} images, seed {seed}, {precision} on {device}, recipe {settings['recipe']}")
    on_step = snapshots_to(folder.out / "snapshots", args.snapshot_every, "flow") if args.snapshot_every else None
    logger = None
    if args.tensorboard is not None and is_main_process():
        from ..gan.tensorboard import TensorBoardLogger
        start = model.gan_state["loop"]["step"] if model.gan_state else 0  # a resumed run overwrites later points
        logger = TensorBoardLogger(args.tensorboard, start_step=start, seed=seed)
    trained = []
    code = folder.train(lambda: trained.append(train_flow(model, data, recipe, seed, precision,
                                                          lambda m: save_on_rank_0(path, m), is_main_process(),
                                                          device, on_step, logger)), lambda: None)
    if logger is not None:
        logger.close()
    if code:
        return code
    if is_main_process():
        images = [trained[0].generate(prompt, n=8, seed=seed)[0] for prompt in EXAMPLE_PROMPTS]
        save_grid(torch.cat(images), folder.out / "samples.png", nrow=8)
    say(f"wrote {path} and {folder.out / 'samples.png'}; training took "
        f"{trained[0].extra['phases']['flow']['seconds']:.0f} s")
    return 0
