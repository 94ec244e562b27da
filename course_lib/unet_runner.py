"""``python -m course_lib train unet --task TASK``: train one editing U-Net per task (pix2pix, lesson 05).

Writes into ``--out`` (default ``runs/unet``): ``checkpoint.pt`` (the ``course_lib.unet_checkpoint``
format, every ``SAVE_EVERY`` steps, after each task and on Ctrl-C), ``samples.png`` (per task three
rows: degraded / restored / clean, 8 training images at strength 0.5), ``history.json`` and ``losses.png``.

``--resume`` works task by task: every task is seeded on its own from ``--seed`` (initial weights, data
order, degradations), so a resumed run keeps the finished tasks, retrains an unfinished one from its
first step, and ends with the same weights as a run that was never interrupted.
"""

from __future__ import annotations

import dataclasses
import json
import math
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from .batches import BatchSource
from .checkpoint import is_main_process
from .cli import UserError
from .data import to_float
from .device import configure_cpu_threads, select_device
from .editing import TASKS, check_strength, degrade
from .fast import fast_mode
from .models.patchgan import PatchGAN, PatchGANConfig
from .models.unet import UNet, UNetConfig
from .pix2pix import RESIDUAL, FitConfig, fit_unet, restore
from .unet_checkpoint import build_unet, is_finished, load_unets_file, save_unets, task_entry

BATCH_SIZE = 64
SAVE_EVERY = 250  # steps between checkpoints inside a task
PREVIEW_STRENGTH = 0.5


@dataclass(frozen=True)
class UNetRun:
    """What one ``train unet`` run trains: tasks in order, the U-Net (residual set per task), the fit
    settings (``tasks`` set per task), batch size, whether a PatchGAN joins, and the data size."""

    tasks: tuple[str, ...]
    model: UNetConfig
    fit: FitConfig
    batch_size: int
    adversarial: bool
    num_images: int


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


def run_dict(run: UNetRun) -> dict:
    """The run as plain values (stored in the file, compared on --resume)."""
    return {**dataclasses.asdict(run), "tasks": list(run.tasks)}


def differences(saved, now, prefix: str = "") -> list[str]:
    """'key: checkpoint X, this run Y' for every leaf where two nested dicts differ."""
    if isinstance(saved, dict) and isinstance(now, dict):
        return [d for key in sorted(set(saved) | set(now))
                for d in differences(saved.get(key), now.get(key), f"{prefix}{key}.")]
    same = list(saved) == list(now) if isinstance(saved, (list, tuple)) and isinstance(now, (list, tuple)) \
        else saved == now
    return [] if same else [f"{prefix[:-1]}: checkpoint {saved!r}, this run {now!r}"]


def settings(recipe, args, saved: dict | None, num_images: int, fast: bool) -> UNetRun:
    """The recipe's run (or the checkpoint's, when resuming) with the flags given applied."""
    fit, model = recipe.train, recipe.model
    batch_size = args.batch_size or BATCH_SIZE
    if saved is not None:
        fit = FitConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in saved["fit"].items()})
        model, batch_size = UNetConfig(**saved["model"]), args.batch_size or saved["batch_size"]
    if args.steps is not None and args.epochs is not None:
        raise UserError("give --steps or --epochs, not both.")
    if args.steps is not None and args.steps < 1:
        raise UserError(f"--steps must be at least 1, got {args.steps}.")
    num_steps = fit.num_steps if saved is not None else (recipe.fast_steps if fast else fit.num_steps)
    if args.steps is not None:
        num_steps = args.steps
    elif args.epochs is not None:
        num_steps = max(1, math.ceil(args.epochs * (num_images // batch_size)))
    flags = {"lr": args.lr, "seed": args.seed, "num_steps": num_steps,
             "strength": None if args.strength is None else parse_strength(args.strength)}
    fit = dataclasses.replace(fit, **{k: v for k, v in flags.items() if v is not None})
    tasks = tuple(saved["tasks"]) if saved is not None and args.task is None else parse_tasks(args.task)
    fit = dataclasses.replace(fit, tasks=tasks)
    adversarial = bool(args.adversarial) if saved is None or args.adversarial else saved["adversarial"]
    run = UNetRun(tasks, model, fit, batch_size, adversarial, num_images)
    problems = differences(saved, run_dict(run)) if saved is not None else []
    if problems:
        raise UserError("the checkpoint was trained with other settings: " + "; ".join(problems) +
                        ". Resume with the same settings, or start a new run in another --out folder.")
    return run


def history_columns(records: list[dict]) -> dict[str, torch.Tensor]:
    """Per-step records -> {column: (steps,) float64 tensor} (the task name is left out)."""
    keys = [k for k in (records[0] if records else {}) if k != "task"]
    return {k: torch.tensor([r[k] for r in records], dtype=torch.float64) for k in keys}


def train_task(task: str, run: UNetRun, images: torch.Tensor, device: torch.device, checkpoint) -> dict:
    """Train the U-Net of ``task``; returns its file entry. ``checkpoint(entry)`` saves the file with an
    unfinished entry every SAVE_EVERY steps and on Ctrl-C (then the KeyboardInterrupt goes on)."""
    fit = dataclasses.replace(run.fit, tasks=(task,))
    torch.manual_seed(fit.seed)
    unet = UNet(dataclasses.replace(run.model, residual=RESIDUAL[task])).to(device)
    patch_d = PatchGAN(PatchGANConfig(cond_channels=run.model.cond_channels)).to(device) if run.adversarial else None
    batches = BatchSource(images, None, run.batch_size, 28, device, seed=fit.seed)
    records, start = [], time.perf_counter()

    def entry():
        return task_entry(unet, fit, len(records), time.perf_counter() - start, history_columns(records))

    def on_step(step, record):
        records.append(record)
        if len(records) % SAVE_EVERY == 0 and len(records) < fit.num_steps:
            checkpoint(entry())

    try:
        fit_unet(unet, batches, fit, patch_d, callback=on_step)
    except KeyboardInterrupt:
        checkpoint(entry())
        raise
    return entry()


def say(message: str) -> None:
    if is_main_process():
        print(message, flush=True)


def run_unet(recipe, args) -> int:
    """Train the U-Nets of ``--task`` one after another; returns the exit code (130 on Ctrl-C)."""
    from . import recipes

    fast = args.fast or fast_mode()
    out = Path(args.out or "runs/unet")
    path = out / "checkpoint.pt"
    if path.exists() and not args.resume:
        raise UserError(f"{path} already exists: add --resume to continue it, or pick another --out "
                        "(or delete the folder to start over).")
    if args.task is not None or not args.resume:
        parse_tasks(args.task)  # fail before loading anything
    if args.strength is not None:
        parse_strength(args.strength)
    saved = load_unets_file(path) if args.resume else None
    images, _ = recipes.training_data(fast, recipe.fast_images)
    run = settings(recipe, args, None if saved is None else saved["run"], len(images), fast)
    threads = configure_cpu_threads()
    device = select_device(args.device)
    extra = {"device": str(device), "cpu_threads": threads, "torch": str(torch.__version__)}
    entries = {t: e for t, e in (saved or {"tasks": {}})["tasks"].items() if is_finished(e)}
    todo = [task for task in run.tasks if task not in entries]
    say(f"training unet on {device} for {run.fit.num_steps} steps per task ({', '.join(todo) or 'none left'}; "
        f"{len(images)} images, batch {run.batch_size}, {'L1 + PatchGAN' if run.adversarial else 'L1'}) into {out}")

    def save(current: dict) -> None:
        if is_main_process():
            save_unets(path, run_dict(run), current, extra)

    try:
        for task in todo:
            entries[task] = train_task(task, run, images, device, lambda entry, t=task: save({**entries, t: entry}))
            save(entries)
            last = entries[task]["history"]["l1"][-50:].mean().item()
            say(f"{task}: {run.fit.num_steps} steps in {entries[task]['seconds']:.0f} s, L1 of the last 50 {last:.4f}")
    except KeyboardInterrupt:
        if path.exists():
            write_artefacts(load_unets_file(path)["tasks"], images, out)
        say(f"interrupted: saved {path}; continue with --resume")
        return 130
    write_artefacts(entries, images, out)
    say(f"done: {path}, {out / 'samples.png'}, {out / 'history.json'}, {out / 'losses.png'}")
    return 0


def write_artefacts(entries: dict[str, dict], images: torch.Tensor, out: Path) -> None:
    """samples.png (degraded / restored / clean rows per task), history.json and losses.png; rank 0 only."""
    if not is_main_process() or not entries:
        return
    import matplotlib.pyplot as plt

    from .history import smooth
    from .plots import save_grid

    tasks = [t for t in TASKS if t in entries]
    clean = to_float(images[:8])  # (8, 1, 28, 28) in [-1, 1]
    rows = []
    for task in tasks:
        degraded, mask = degrade(clean, task, PREVIEW_STRENGTH, seed=0)
        rows += [degraded, restore(build_unet(entries[task]), degraded, mask), clean]
    save_grid(torch.cat(rows), out / "samples.png", nrow=clean.shape[0])
    history = {t: {k: [v if math.isfinite(v) else None for v in col.tolist()]
                   for k, col in entries[t]["history"].items()} for t in tasks}
    (out / "history.json").write_text(json.dumps(history))
    fig, ax = plt.subplots(figsize=(6, 3.5))
    for task in tasks:
        steps, l1 = history[task].get("step", []), entries[task]["history"].get("l1", torch.zeros(0)).tolist()
        ax.plot(steps, smooth(l1, max(1, len(l1) // 50)), label=f"{task} L1 (moving average)")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_title("U-Net training loss (hole-only for inpaint)")
    ax.legend(fontsize="small")
    fig.tight_layout()
    fig.savefig(out / "losses.png", dpi=100)
    plt.close(fig)
