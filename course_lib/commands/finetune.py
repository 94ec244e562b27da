"""``python -m course_lib finetune BASE (--images DIR | --category NAME --n N)``: adapt a pretrained GAN to a new
product line from a few photos, with FreezeD, DiffAugment and early stopping on a validation FID (lesson 08).

BASE is an unconditional GAN file: a training checkpoint (``train dcgan --out DIR`` writes DIR/checkpoint.pt;
it holds the discriminator that ``--freeze-d`` keeps) or a slim generator file (checkpoints/dcgan.pt; the
discriminator then starts fresh, so ``--freeze-d`` is refused). Writes into ``--out`` (default
runs/finetune): ``checkpoint.pt`` (resumable; Ctrl-C saves), ``best.pt`` (the best EMA generator by validation
FID, a slim generator file), ``samples.png``, ``validation.png`` (the curve, stop point marked), ``history.json``.
"""

from __future__ import annotations

from pathlib import Path

import torch

from ..categories import CLASS_NAMES, category_index
from ..data import load_fashion_mnist, to_float
from ..gan.checkpoint import (
    generator_network,
    load_checkpoint,
    model_config_dict,
    restore_trainer,
    save_checkpoint,
    save_pretrained,
)
from ..gan.few_shot import Method, finetune_trainer, new_line
from ..gan.scoring import ScoreEvery, validation_fid
from ..photos import load_photo_folder
from ..plots import save_figure
from ..runtime import configure_cpu_threads, fast_mode, say, select_device
from . import UserError
from .args import count, fraction, positive, seed
from .flags import add_device, add_precision
from .gan_run import check_same_precision
from .kinds import KINDS
from .model_file import open_model_file
from .runs import RunFolder
from .train_gan import write_gan_artefacts


def register(subparsers) -> None:
    """Add the ``finetune`` subcommand."""
    p = subparsers.add_parser("finetune", help="fine-tune a pretrained GAN on a few photos of a new product line")
    p.add_argument("base", help="an unconditional GAN file: a training checkpoint or a slim generator file")
    p.add_argument("--images", "--data", dest="images", default=None, metavar="DIR",
                   help="a folder of photos of the new line (any size; --data is the same option)")
    p.add_argument("--category", default=None, help="or: a catalog category as the new line (name or index)")
    p.add_argument("--n", type=count(), default=None, help="with --category: how many of its train images to use")
    p.add_argument("--freeze-d", type=count(minimum=0), default=0, help="freeze D's first K blocks (FreezeD)")
    p.add_argument("--from-scratch", action="store_true",
                   help="the baseline: the base's architecture with fresh weights (nothing pretrained)")
    p.add_argument("--fresh-d", action="store_true",
                   help="the base's generator with a freshly initialised discriminator (nothing of D kept)")
    p.add_argument("--augment", default="", help="DiffAugment policy for real and fake, e.g. color,translation,cutout")
    p.add_argument("--augment-strength", type=fraction, default=1.0,
                   help="DiffAugment's strength, a fraction of the paper's setting (default 1)")
    p.add_argument("--lr-scale", type=positive, default=1.0,
                   help="both learning rates times this (default 1: the base recipe's)")
    p.add_argument("--warmup", type=count(minimum=0), default=0, metavar="STEPS",
                   help="raise both learning rates linearly over the first STEPS steps (default 0: none)")
    p.add_argument("--early-stopping", type=count(), default=None, metavar="PATIENCE",
                   help="stop after PATIENCE evaluations without a better validation FID (default: run to the end)")
    p.add_argument("--eval-every", type=count(), default=None, help="steps between validation FIDs (default 50)")
    p.add_argument("--max-steps", type=count(), default=None, help="generator steps at most (default 600)")
    p.add_argument("--out", default="runs/finetune", help="output folder")
    p.add_argument("--seed", type=seed, default=0, help="seed of the subset, init of a fresh D, noise")
    p.add_argument("--resume", action="store_true", help="continue OUT/checkpoint.pt")
    add_device(p)
    add_precision(p)
    p.add_argument("--fast", action="store_true", help="a few dozen steps (also COURSE_FAST=1)")
    p.set_defaults(run=run)


def base_file(path: Path) -> dict:
    """The base's contents, read once and checked: a kind ``finetune`` takes (``Kind.finetune_refusal``), a 28x28
    catalog model whose generator rebuilds; UserError saying what it is instead."""
    kind, obj = open_model_file(path, "finetune", "base checkpoint", missing_hint=(
        "`python -m course_lib train dcgan --out DIR` writes DIR/checkpoint.pt, and the repository ships "
        "checkpoints/dcgan.pt."))
    refusal = KINDS[kind].finetune_refusal
    if refusal is not None:
        raise UserError(f"{path} {refusal}")
    try:
        config = model_config_dict(obj)
    except (KeyError, TypeError):
        config = {}
    if config.get("image_size", 28) not in (28, 32) or config.get("channels", 1) != 1:
        raise UserError(f"{path} draws {config.get('image_size')}-px photos (`train --data`): fine-tuning is for the "
                        "28x28 catalog models, judged by the course classifier; to adapt a photo model, continue "
                        "its training on the new folder with `train --data DIR` instead.")
    generator_network(obj, path)  # checks the file and that its generator rebuilds; nothing runs
    return obj


# Held-out photos below which a validation FID cannot decide a stop (data_scripts/validation_size.py, docs/models.md):
# at 50, FID put the better of two generators 0.57 FID apart first in 95 % of 40 draws; at 8, in 82 %. KID did no
# better at any size measured, so a switch to KID would not help.
MIN_VALIDATION = 50


def check_validation_size(count: int, patience: int | None) -> None:
    """Refuse ``--early-stopping`` on fewer than ``MIN_VALIDATION`` held-out photos, with the measured reason."""
    if patience is not None and count < MIN_VALIDATION:
        raise UserError(f"--early-stopping needs at least {MIN_VALIDATION} held-out photos to decide on, and this "
                        f"line holds out {count}: at 8 photos a validation FID ranked the better of two generators "
                        "0.57 FID apart first in only 82 % of draws (KID in 75 %; docs/models.md). Give more photos "
                        "(a fifth are held out), or drop --early-stopping: the run then goes to --max-steps and "
                        "keeps the best validation FID, which at this size is a noisy pick.")


def line_data(args, fast: bool) -> tuple[torch.Tensor, torch.Tensor, str]:
    """(train images (N, 28, 28) uint8, validation images (M, 1, 28, 28) in [-1, 1], a description)."""
    if (args.images is None) == (args.category is None):
        raise UserError("give the new line as --images DIR or as --category NAME --n N (one of the two).")
    g = torch.Generator().manual_seed(args.seed)
    if args.images is not None:
        photos = load_photo_folder(args.images)
        if photos.skipped:
            say(photos.report())
        order = torch.randperm(len(photos.files), generator=g)
        held = max(5, len(order) // 5)
        if len(order) - held < 5:
            raise UserError(f"{args.images} has {len(order)} usable photos: at least 10 are needed (5 to train on, "
                            "5 to validate with).")
        images = photos.images[order]
        return images[held:], to_float(images[:held]), f"{len(order) - held} photos of {args.images}"
    index = category_index(args.category)
    data = load_fashion_mnist()
    held = 200 if fast else 1000
    available = int((data.train_labels == index).sum())
    if args.n is None or not 1 <= args.n <= available - held:
        raise UserError(f"--category {CLASS_NAMES[index]} needs --n between 1 and {available - held} (its {available} "
                        f"train images less {held} held out to validate on), got {args.n}.")
    chosen, validation = new_line(data, index, args.n, args.seed, validation=held)
    return chosen, validation, f"{args.n} {CLASS_NAMES[index]} images"


def line_method(args) -> Method:
    """The fine-tuning method the flags ask for; UserError for flags that contradict each other."""
    if (args.from_scratch or args.fresh_d) and args.freeze_d:
        flag = "--from-scratch" if args.from_scratch else "--fresh-d"
        raise UserError(f"{flag} starts D fresh, so it has no pretrained blocks to freeze: drop --freeze-d.")
    if args.from_scratch and args.fresh_d:
        raise UserError("--from-scratch already starts both networks fresh: drop --fresh-d.")
    if args.augment_strength != 1.0 and not args.augment:
        raise UserError("--augment-strength scales a DiffAugment policy: give one with --augment, e.g. "
                        "--augment translation,cutout --augment-strength 0.5.")
    return Method(freeze_d=args.freeze_d, augment=args.augment, from_scratch=args.from_scratch,
                  strength=args.augment_strength, lr_scale=args.lr_scale, warmup=args.warmup, fresh_d=args.fresh_d)


def run(args) -> int:
    """Fine-tune in the run folder, locked while it runs; returns the exit code (130 on Ctrl-C)."""
    with RunFolder(args.out, args.resume) as folder:
        return finetune_into(folder, args)


def finetune_into(folder: RunFolder, args) -> int:
    """Fine-tune, evaluate, stop early, write the files into ``folder`` (locked, checked); the exit code."""
    fast = args.fast or fast_mode()
    out, path = folder.out, folder.checkpoint
    base = base_file(Path(args.base))
    method = line_method(args)
    if args.freeze_d and "discriminator" not in base:
        raise UserError(f"{args.base} is a slim generator file without a discriminator: --freeze-d keeps pretrained "
                        "D blocks, so give a training checkpoint (`train dcgan --out DIR` writes DIR/checkpoint.pt).")
    images, validation, what = line_data(args, fast)
    check_validation_size(len(validation), args.early_stopping)
    configure_cpu_threads()
    device = select_device(args.device)
    trainer, model_cfg, frozen = finetune_trainer(base, images, method, args.seed, device, precision=args.precision)
    every = args.eval_every or (10 if fast else 50)
    # the one scoring callback: scores, keeps the best weights, and stops only with --early-stopping PATIENCE
    stopper = ScoreEvery(validation_fid(validation, n=200 if fast else 1000), every, patience=args.early_stopping)
    settings = {"base": str(args.base), "line": what, "freeze_d": args.freeze_d, "augment": args.augment,
                "from_scratch": bool(args.from_scratch), "precision": trainer.precision, "fresh_d": method.fresh_d,
                "augment_strength": method.strength, "lr_scale": method.lr_scale, "warmup": method.warmup}
    if args.resume:
        ckpt = load_checkpoint(path)
        check_same_precision(ckpt["extra"]["finetune"].get("precision"), trainer.precision)
        folder.check_same_run(ckpt["extra"]["finetune"], settings)
        restore_trainer(trainer, ckpt)
        stopper.load_state_dict(ckpt["extra"]["early_stopping"])
    trainer.add_callback("on_step_end", stopper)
    total = args.max_steps or (30 if fast else 600)

    def save():
        save_checkpoint(path, trainer, base["kind"], model_cfg, extra={"finetune": settings,
                                                                       "early_stopping": stopper.state_dict()})
        write_gan_artefacts(trainer, out, "samples.png", curves=False)
        plot_validation(stopper, out / "validation.png")

    say(f"fine-tuning {base['kind']} on {what} in {trainer.precision} for up to {total} steps ({method.flags()}; "
        f"D: {frozen:,} parameters frozen; validation FID every {every} steps on {len(validation)} held-out images) "
        f"into {out}")
    code = folder.train(lambda: trainer.run(max(0, total - trainer.step)), save, lambda: f" at step {trainer.step}")
    if code:
        return code
    stopper.restore_best(trainer)
    save_pretrained(out / "best.pt", base["kind"], model_cfg, trainer.ema.module,
                    extra={"step": stopper.best_step, "validation_fid": stopper.best, "finetune": settings})
    say(f"{trainer.stop_reason or f'ran all {trainer.step} steps'}; best validation FID {stopper.best:.2f} at step "
        f"{stopper.best_step}: {out / 'best.pt'}, {out / 'validation.png'}")
    return 0


def plot_validation(stopper: ScoreEvery, path: Path) -> None:
    """The validation FID per evaluation, the best one marked, and the stop when early stopping stopped."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5, 3))
    if stopper.curve:
        steps, values = zip(*stopper.curve)
        ax.plot(steps, values, "o-", label="validation FID")
        ax.axvline(stopper.best_step, color="k", linestyle="--", label=f"best: step {stopper.best_step}")
        if stopper.patience is not None and stopper.waited >= stopper.patience:
            ax.axvline(steps[-1], color="tab:red", linestyle=":", label=f"stopped: step {steps[-1]}")
        ax.legend()
    ax.set_xlabel("generator step")
    ax.set_ylabel("FID (course features)")
    fig.tight_layout()
    save_figure(fig, path)
