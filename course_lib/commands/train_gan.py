"""``python -m course_lib train dcgan|cgan|wgan-gp``: train a GAN and write its checkpoint, sample grids and curves.

Writes into ``--out`` (default ``runs/KIND``, locked while it runs: ``runs.RunFolder``): ``checkpoint.pt``
(every epoch, at the end and on Ctrl-C), ``samples.png`` and ``samples_epoch_NNN.png`` (EMA generator, fixed
z), ``history.json``, ``losses.png``.
Under torchrun every process trains its shard; rank 0 alone prints, checks health, draws and writes.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from ..categories import category_index
from ..data import to_float, training_data
from ..gan import recipes
from ..gan.checkpoint import check_config, load_checkpoint, restore_trainer, save_checkpoint
from ..gan.health import HealthMonitor
from ..gan.sampling import sample
from ..models import model_config
from ..plots import plot_history, save_figure, save_grid
from ..runtime import (
    compile_networks,
    configure_cpu_threads,
    fast_mode,
    is_main_process,
    rank_device,
    say,
    select_device,
    world_size,
)
from . import UserError, train_tracking
from .folder import folder_args_without_data, folder_data
from .gan_run import GANRunSettings, check_resume
from .runs import RunFolder


def configs(recipe, args, ckpt, saved: GANRunSettings | None):
    """(model_cfg, train_cfg, epochs): the recipe's or the checkpoint's, with the flags given applied."""
    if ckpt is None:
        model_cfg, train_cfg, epochs = recipe.model, recipe.train, recipe.epochs
    else:
        model_cfg = model_config(recipe.kind, ckpt["config"]["model"])
        train_cfg = recipes.train_config_from_dict(ckpt["config"]["train"])
        epochs = saved.epochs
    flags = {"batch_size": args.batch_size, "lr_g": args.lr, "lr_d": args.lr, "seed": args.seed,
             "augment": args.augment}
    train_cfg = dataclasses.replace(train_cfg, **{k: v for k, v in flags.items() if v is not None})
    if ckpt is not None:
        check_config(ckpt, recipe.kind, model_cfg, train_cfg)
    return model_cfg, train_cfg, args.epochs if args.epochs is not None else epochs


def batch_for_folder(train_cfg, batch_flag: int | None, num_images: int, resuming: bool):
    """``train_cfg`` with its batch cut to a photo folder smaller than it, unless ``--batch-size`` asked for more
    (then a UserError names the flag and the number of photos)."""
    if train_cfg.batch_size <= num_images:
        return train_cfg
    if batch_flag is not None or resuming:
        raise UserError(f"batch {train_cfg.batch_size} is more than the {num_images} usable photos in --data: pass "
                        f"--batch-size {num_images} or less, or add photos.")
    say(f"--data has {num_images} usable photos, fewer than the recipe's batch of {train_cfg.batch_size}: training "
        f"with batch {num_images} (--batch-size sets it).")
    return dataclasses.replace(train_cfg, batch_size=num_images)


def train_gan(args) -> int:
    """Train a noise-to-image GAN of kind ``args.kind`` in its run folder, locked while it runs; returns the exit
    code."""
    recipe = recipes.get_recipe(args.kind)
    with RunFolder(args.out or f"runs/{recipe.kind}", args.resume) as folder:
        return train_into(folder, recipe, args)


def train_into(folder: RunFolder, recipe, args) -> int:
    """Train ``recipe``'s GAN into ``folder`` (taken: locked, checked against ``--resume``); the exit code."""
    fast = args.fast or fast_mode()
    out, path = folder.out, folder.checkpoint
    ckpt = load_checkpoint(path) if args.resume else None
    saved = None if ckpt is None else GANRunSettings.saved_in(ckpt, recipe.epochs)
    model_cfg, train_cfg, epochs = configs(recipe, args, ckpt, saved)
    train_tracking.check_flags(args)
    configure_cpu_threads()
    device = rank_device(select_device(args.device))
    kept = None
    if saved is not None and saved.data is not None and args.data is None:
        check_resume(saved, GANRunSettings(epochs), path, None)  # says which --data
    if args.data is not None:
        images, labels, model_cfg, kept = folder_data(args, recipe.kind, model_cfg, ckpt)
        train_cfg = batch_for_folder(train_cfg, args.batch_size, len(images), resuming=ckpt is not None)
    else:
        folder_args_without_data(args)
        images, labels = training_data(fast, recipe.fast_images)
    excluded = saved.exclude_category if saved is not None else None
    if args.exclude_category is not None:
        excluded = category_index(args.exclude_category)
    if excluded is not None:  # a base model that has never seen this category (lesson 08)
        images, labels = images[labels != excluded], labels[labels != excluded]
    trainer = recipes.make_trainer(recipe.kind, model_cfg, train_cfg, images, labels, device, recipe.log_every,
                                   precision=args.precision)
    settings = GANRunSettings(epochs, trainer.precision, excluded, kept)
    if saved is not None:
        check_resume(saved, settings, path, args.exclude_category)
        restore_trainer(trainer, ckpt)
    if args.compile:
        compiled = compile_networks(trainer.generator, trainer.discriminator, trainer.regularizer is not None)
        say(f"--compile: {' and '.join(compiled)} compiled (the first steps include the compilation)")
    total = recipe.fast_steps if fast and args.epochs is None else recipes.steps_for_epochs(trainer, epochs)
    extra = settings.extra()
    tracking = train_tracking.attach(trainer, args, out, recipe.kind, model_cfg, ckpt, images, fast, extra)

    def save(trainer, grid_name="samples.png", curves=True):
        save_checkpoint(path, trainer, recipe.kind, model_cfg, extra={**extra, **tracking.extra()})
        write_gan_artefacts(trainer, out, grid_name, curves)
        tracking.saved(trainer)

    trainer.add_callback("on_epoch_end", lambda t: save(t, f"samples_epoch_{round(t.epoch):03d}.png", False))
    if is_main_process():
        trainer.add_callback("on_log", HealthMonitor(to_float(images[:64], getattr(model_cfg, "image_size", 28))))
    say(f"training {recipe.kind} on {device} in {trainer.precision} for {total} steps ({epochs:g} epochs; step "
        f"{trainer.step} done, {len(images)} images, {batch_text(train_cfg.batch_size)}) into {out}")
    code = folder.train(lambda: trainer.run(max(0, total - trainer.step)), lambda: save(trainer),
                        lambda: f" at step {trainer.step}")
    if code:
        return code
    say(f"done at step {trainer.step}: {path}, {out / 'samples.png'}, {out / 'history.json'}, {out / 'losses.png'}")
    return 0


def batch_text(batch_size: int) -> str:
    """'batch 64', or under torchrun 'batch 32 per process x 2 processes = 64 global'."""
    processes = world_size()
    if processes == 1:
        return f"batch {batch_size}"
    return f"batch {batch_size} per process x {processes} processes = {batch_size * processes} global"


def write_gan_artefacts(trainer, out: Path, grid_name: str, curves: bool = True) -> None:
    """Sample grid of the EMA generator on a fixed z, history.json and (curves) losses.png; rank 0 only."""
    if not is_main_process():
        return
    generator = trainer.ema.module
    save_grid(sample(generator, 64, seed=0), out / grid_name, nrow=getattr(generator, "num_classes", None) or 8)
    trainer.history.save_json(out / "history.json")
    if curves:
        save_figure(plot_history(trainer.history), out / "losses.png")
