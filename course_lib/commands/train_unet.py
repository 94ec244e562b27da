"""``python -m course_lib train unet --task TASK``: train one editing U-Net per task (pix2pix, lesson 05).

The flags, the run's settings and the files; the training itself is ``course_lib.editing.training``.
Writes into ``--out`` (default ``runs/unet``): ``checkpoint.pt`` (the ``course_lib.editing.checkpoint``
format, every ``SAVE_EVERY`` steps, after each task and on Ctrl-C), ``samples.png`` (per task three
rows: degraded / restored / clean, 8 training images at strength 0.5), ``history.json`` and ``losses.png``.

``--resume`` keeps the finished tasks and continues an unfinished one from the step its entry saved (the
training loop's state, every ``SAVE_EVERY`` steps and on Ctrl-C), so the run ends with the same weights as a
run that was never interrupted.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import torch

from ..data import to_float, training_data
from ..editing.checkpoint import build_unet, is_finished, load_unets_file, save_unets
from ..editing.degrade import TASKS, check_strength, degrade
from ..editing.pix2pix import FitConfig
from ..editing.restoring import restore
from ..editing.training import BATCH_SIZE, UNET_RECIPE, UNetRun, run_dict, train_task
from ..models.unet import UNetConfig
from ..plots import save_figure, save_grid, smooth
from ..runtime import configure_cpu_threads, fast_mode, is_main_process, rank_device, say, select_device, world_size
from ..serialization import config_from_dict, save_json
from . import UserError
from .runs import RunFolder
from .train_gan import batch_text

PREVIEW_STRENGTH = 0.5


def parse_tasks(value: str | None) -> tuple[str, ...]:
    """``denoise`` -> ('denoise',); ``all`` -> TASKS; ``denoise,inpaint`` -> both; UserError otherwise."""
    choices = f"one of {', '.join(TASKS)}, a comma-separated list of them, or all (one model per task)"
    if value is None:
        raise UserError(f"train unet needs --task: {choices}.")
    tasks = TASKS if value.strip() == "all" else tuple(t.strip() for t in value.split(","))
    bad = [t for t in tasks if t not in TASKS]
    if bad or len(set(tasks)) != len(tasks):
        raise UserError(f"--task {value!r}: expected {choices}.")
    return tasks


def parse_strength(value: str) -> tuple[float, float]:
    """``0,1`` -> (0.0, 1.0); ``0.5`` -> (0.5, 0.5); UserError for anything else."""
    try:
        parts = [check_strength(float(v)) for v in value.split(",")]
        if len(parts) not in (1, 2) or parts[0] > parts[-1]:
            raise ValueError
    except ValueError:
        raise UserError(f"--strength {value!r}: expected LOW,HIGH with 0 <= LOW <= HIGH <= 1 (strengths are "
                        "drawn uniformly in between), or one value in [0, 1]; e.g. 0,1 or 0.5.") from None
    return parts[0], parts[-1]


def settings(recipe, args, saved: dict | None, num_images: int, fast: bool) -> UNetRun:
    """The recipe's run (or the checkpoint's, when resuming) with the flags given applied."""
    fit, model = recipe.fit, recipe.model
    batch_size = args.batch_size or BATCH_SIZE
    if saved is not None:
        fit = config_from_dict(FitConfig, saved["fit"], "fit config")
        model = config_from_dict(UNetConfig, saved["model"], "model config")
        batch_size = args.batch_size or saved["batch_size"]
    if args.steps is not None and args.epochs is not None:
        raise UserError("give --steps or --epochs, not both.")
    if args.steps is not None and args.steps < 1:
        raise UserError(f"--steps must be at least 1, got {args.steps}.")
    num_steps = fit.num_steps if saved is not None else (recipe.fast_steps if fast else fit.num_steps)
    if args.steps is not None:
        num_steps = args.steps
    elif args.epochs is not None:
        num_steps = max(1, math.ceil(args.epochs * (num_images // (batch_size * world_size()))))
    flags = {"lr": args.lr, "seed": args.seed, "num_steps": num_steps,
             "strength": None if args.strength is None else parse_strength(args.strength)}
    fit = dataclasses.replace(fit, **{k: v for k, v in flags.items() if v is not None})
    tasks = tuple(saved["tasks"]) if saved is not None and args.task is None else parse_tasks(args.task)
    fit = dataclasses.replace(fit, tasks=tasks)
    adversarial = bool(args.adversarial) if saved is None or args.adversarial else saved["adversarial"]
    return UNetRun(tasks, model, fit, batch_size, adversarial, num_images)


def train_unet(args) -> int:
    """Train the U-Nets of ``--task`` one after another in the locked run folder; the exit code (130 on Ctrl-C)."""
    if args.task is not None or not args.resume:
        parse_tasks(args.task)  # fail before loading anything
    if args.strength is not None:
        parse_strength(args.strength)
    with RunFolder(args.out or "runs/unet", args.resume) as folder:
        return train_into(folder, args)


def train_into(folder: RunFolder, args) -> int:
    """Train into ``folder`` (taken: locked, checked against ``--resume``); the exit code."""
    recipe = UNET_RECIPE
    fast = args.fast or fast_mode()
    out, path = folder.out, folder.checkpoint
    saved = load_unets_file(path) if args.resume else None
    images, _ = training_data(fast, recipe.fast_images)
    run = settings(recipe, args, None if saved is None else saved["run"], len(images), fast)
    if saved is not None:
        folder.check_same_run(saved["run"], run_dict(run))
    threads = configure_cpu_threads()
    device = rank_device(select_device(args.device))
    check_processes(saved)
    extra = {"device": str(device), "cpu_threads": threads, "torch": str(torch.__version__)}
    if world_size() > 1:
        extra["world_size"] = world_size()
    entries = {t: e for t, e in (saved or {"tasks": {}})["tasks"].items() if is_finished(e)}
    unfinished = {t: e for t, e in (saved or {"tasks": {}})["tasks"].items() if not is_finished(e) and "state" in e}
    todo = [task for task in run.tasks if task not in entries]
    say(f"training unet on {device} for {run.fit.num_steps} steps per task ({', '.join(todo) or 'none left'}; "
        f"{len(images)} images, {batch_text(run.batch_size)}, {'L1 + PatchGAN' if run.adversarial else 'L1'}) "
        f"into {out}")

    def save(current: dict) -> None:
        if is_main_process():
            save_unets(path, run_dict(run), current, extra)

    def train_all() -> None:
        for task in todo:
            entries[task] = train_task(task, run, images, device, lambda entry, t=task: save({**entries, t: entry}),
                                       unfinished.get(task))
            save(entries)
            last = entries[task]["history"]["l1"][-50:].mean().item()
            say(f"{task}: {run.fit.num_steps} steps in {entries[task]['seconds']:.0f} s, L1 of the last 50 {last:.4f}")

    def artefacts() -> None:  # from the file: after Ctrl-C it holds what was saved
        if is_main_process() and path.exists():
            write_unet_artefacts(load_unets_file(path)["tasks"], images, out)

    code = folder.train(train_all, artefacts)
    if code:
        return code
    say(f"done: {path}, {out / 'samples.png'}, {out / 'history.json'}, {out / 'losses.png'}")
    return 0


def check_processes(saved: dict | None) -> None:
    """Refuse to resume a file trained by another number of processes: its tasks used another global batch."""
    was = 1 if saved is None else int(saved.get("extra", {}).get("world_size", 1))
    if saved is not None and was != world_size():
        raise UserError(f"the checkpoint was trained by {was} process(es) and this run has {world_size()}; the "
                        f"global batch would change between tasks. Resume with {was} process(es) in all, or start "
                        "a new run in another --out folder.")


def write_unet_artefacts(entries: dict[str, dict], images: torch.Tensor, out: Path) -> None:
    """samples.png (degraded / restored / clean rows per task), history.json and losses.png; rank 0 only."""
    if not is_main_process() or not entries:
        return
    import matplotlib.pyplot as plt

    tasks = [t for t in TASKS if t in entries]
    clean = to_float(images[:8])  # (8, 1, 28, 28) in [-1, 1]
    rows = []
    for task in tasks:
        degraded, mask = degrade(clean, task, PREVIEW_STRENGTH, seed=0)
        rows += [degraded, restore(build_unet(entries[task]), degraded, mask), clean]
    save_grid(torch.cat(rows), out / "samples.png", nrow=clean.shape[0])
    history = {t: {k: [v if math.isfinite(v) else None for v in col.tolist()]
                   for k, col in entries[t]["history"].items()} for t in tasks}
    save_json(history, out / "history.json")
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for task in tasks:
        steps, l1 = history[task].get("step", []), entries[task]["history"].get("l1", torch.zeros(0)).tolist()
        ax.plot(steps, smooth(l1, max(1, len(l1) // 50)), label=f"{task} L1 (moving average)")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_title("U-Net training loss (hole-only for inpaint)")
    ax.legend(fontsize="small")
    fig.tight_layout()
    save_figure(fig, out / "losses.png")
