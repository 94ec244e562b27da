"""``python -m course_lib train KIND``: train a GAN and write its checkpoint, sample grids and curves.

Writes into ``--out`` (default ``runs/KIND``): ``checkpoint.pt`` (every epoch, at the end and on Ctrl-C),
``samples.png`` and ``samples_epoch_NNN.png`` (EMA generator, fixed z), ``history.json``, ``losses.png``.
``train unet --task TASK`` trains the editing U-Net of lesson 05 instead (``course_lib.unet_runner``);
the options marked "unet only" are refused for the GAN kinds.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from .. import recipes
from ..checkpoint import check_config, is_main_process, load_checkpoint, restore, save_checkpoint
from ..cli import UserError
from ..data import to_float
from ..device import configure_cpu_threads, select_device
from ..fast import fast_mode
from ..health import HealthMonitor, NonFiniteLossError
from ..models import config_from_dict


def register(subparsers) -> None:
    """Add the ``train`` subcommand."""
    p = subparsers.add_parser("train", help="train a GAN or the editing U-Net; writes a checkpoint, samples, "
                                            "loss curves")
    p.add_argument("kind", choices=sorted(recipes.RECIPES), help="which model to train")
    p.add_argument("--epochs", type=float, default=None, help="total epochs of real data (default: the recipe's)")
    p.add_argument("--batch-size", type=int, default=None, help="images per batch (default: the recipe's)")
    p.add_argument("--lr", type=float, default=None, help="Adam learning rate of both networks")
    p.add_argument("--seed", type=int, default=None, help="seed of init, data order and noise (default 0)")
    p.add_argument("--device", default="auto", help="auto (cuda, then mps, then cpu), cpu, cuda or mps")
    p.add_argument("--out", default=None, help="output folder (default runs/KIND)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    p.add_argument("--fast", action="store_true", help="a few dozen steps on a data subset (also COURSE_FAST=1)")
    p.add_argument("--task", default=None, help="unet only: denoise, inpaint, deblur, enhance, a comma-separated "
                                                "list, or all (one model per task)")
    p.add_argument("--steps", type=int, default=None, help="unet only: steps per task (default: the recipe's)")
    p.add_argument("--strength", default=None, help="unet only: training strengths LOW,HIGH in [0, 1] (default 0,1)")
    p.add_argument("--adversarial", action="store_true", default=None,
                   help="unet only: add pix2pix's PatchGAN term to the L1 loss")
    p.set_defaults(run=run)


UNET_ONLY = ("task", "steps", "strength", "adversarial")


def say(message: str) -> None:
    if is_main_process():
        print(message, flush=True)


def run(args) -> int:
    """Dispatch on the model kind: its recipe's own runner, or the GAN runner."""
    recipe = recipes.get_recipe(args.kind)
    given = [f"--{name}" for name in UNET_ONLY if getattr(args, name, None) is not None]
    if recipe.run is None and given:
        raise UserError(f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} for `train unet` only; {args.kind} "
                        "is a GAN (it takes "
                        "--epochs, --batch-size, --lr, --seed).")
    return (recipe.run or run_gan)(recipe, args)


def configs(recipe, args, ckpt):
    """(model_cfg, train_cfg, epochs): the recipe's or the checkpoint's, with the flags given applied."""
    if ckpt is None:
        model_cfg, train_cfg, epochs = recipe.model, recipe.train, recipe.epochs
    else:
        model_cfg = config_from_dict(recipe.kind, ckpt["config"]["model"])
        train_cfg = recipes.train_config_from_dict(ckpt["config"]["train"])
        epochs = ckpt.get("extra", {}).get("epochs", recipe.epochs)
    flags = {"batch_size": args.batch_size, "lr_g": args.lr, "lr_d": args.lr, "seed": args.seed}
    train_cfg = dataclasses.replace(train_cfg, **{k: v for k, v in flags.items() if v is not None})
    if ckpt is not None:
        check_config(ckpt, recipe.kind, model_cfg, train_cfg)
    return model_cfg, train_cfg, args.epochs if args.epochs is not None else epochs


def run_gan(recipe, args) -> int:
    """Train a noise-to-image GAN of ``recipe.kind``; returns the exit code."""
    fast = args.fast or fast_mode()
    out = Path(args.out or f"runs/{recipe.kind}")
    path = out / "checkpoint.pt"
    if path.exists() and not args.resume:
        raise UserError(f"{path} already exists: add --resume to continue it, or pick another --out "
                        "(or delete the folder to start over).")
    ckpt = load_checkpoint(path) if args.resume else None
    model_cfg, train_cfg, epochs = configs(recipe, args, ckpt)
    configure_cpu_threads()
    device = select_device(args.device)
    images, labels = recipes.training_data(fast, recipe.fast_images)
    trainer = recipes.make_trainer(recipe.kind, model_cfg, train_cfg, images, labels, device, recipe.log_every)
    if ckpt is not None:
        restore(trainer, ckpt)
    total = recipe.fast_steps if fast and args.epochs is None else recipes.steps_for_epochs(trainer, epochs)
    extra = {"epochs": epochs}

    def save(trainer, grid_name="samples.png", curves=True):
        save_checkpoint(path, trainer, recipe.kind, model_cfg, extra=extra)
        write_artefacts(trainer, out, grid_name, curves)

    trainer.add_callback("on_epoch_end", lambda t: save(t, f"samples_epoch_{round(t.epoch):03d}.png", False))
    trainer.add_callback("on_log", HealthMonitor(to_float(images[:64], getattr(model_cfg, "image_size", 28))))
    say(f"training {recipe.kind} on {device} for {total} steps ({epochs:g} epochs; step {trainer.step} "
        f"done, {len(images)} images, batch {train_cfg.batch_size}) into {out}")
    try:
        trainer.run(max(0, total - trainer.step))
    except KeyboardInterrupt:
        try:
            save(trainer)
        except NonFiniteLossError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        say(f"interrupted at step {trainer.step}: saved {path}; continue with --resume")
        return 130
    except NonFiniteLossError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    save(trainer)
    say(f"done at step {trainer.step}: {path}, {out / 'samples.png'}, {out / 'history.json'}, {out / 'losses.png'}")
    return 0


def write_artefacts(trainer, out: Path, grid_name: str, curves: bool = True) -> None:
    """Sample grid of the EMA generator on a fixed z, history.json and (curves) losses.png; rank 0 only."""
    if not is_main_process():
        return
    import matplotlib.pyplot as plt

    from ..history import plot_history
    from ..plots import save_grid
    from ..sampling import sample

    generator = trainer.ema.module
    save_grid(sample(generator, 64, seed=0), out / grid_name, nrow=getattr(generator, "num_classes", None) or 8)
    trainer.history.save_json(out / "history.json")
    if not curves:
        return
    fig = plot_history(trainer.history)
    fig.savefig(out / "losses.png", dpi=100)
    plt.close(fig)
