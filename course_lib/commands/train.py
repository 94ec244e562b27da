"""``python -m course_lib train KIND``: one parser per model kind, and the dispatch to its runner in ``kinds.KINDS``.

GAN kinds run ``commands.train_gan``; ``train unet --task TASK`` trains the editing U-Nets of lesson 05
(``commands.train_unet``); ``train text2img`` the description-to-image model of lesson 07. Each kind's parser
has the flags of its family; another family's flag is a parse error that says which kinds take it
(``flags.refuse``). Every kind takes ``--out``, ``--resume``, ``--seed``, ``--epochs``, ``--device``, ``--fast``.

Under ``torchrun --nproc_per_node=N -m course_lib train KIND``, every process runs this command inside
``runtime.process_group`` (gloo on CPU, NCCL on CUDA); ``--batch-size`` is per process, and
``--global-batch-size`` is split across the processes. docs/distributed.md has the details.
"""

from __future__ import annotations

import argparse
import functools

from ..runtime import process_group, world_size
from . import UserError
from .args import count, positive, seed
from .flags import add_device, add_precision, refuse
from .folder import add_arguments as add_folder_arguments
from .kinds import KINDS, get_kind
from .train_tracking import INSTALL_HINT
from .train_tracking import add_arguments as add_tracking_arguments

HELP = {"gan": "a GAN of the catalog or of a folder of photos", "editing": "the editing U-Nets of lesson 05, "
        "one per task", "text": "the description-to-image model of lesson 07 (描述→图片)",
        "flow": "lesson 10's flow-matching model, on lesson 07's text encoder"}
UNET_FLAGS = {"--task": "value", "--steps": "value", "--strength": "value", "--adversarial": "switch"}
GAN_FLAGS = {"--data": "value", "--image-size": "value", "--channels": "value", "--precision": "value",
             "--compile": "switch", "--augment": "value", "--eval-every": "value", "--tensorboard": "value"}
BATCH_FLAGS = {"--batch-size": "value", "--global-batch-size": "value", "--lr": "value"}


def register(subparsers) -> None:
    """Add the ``train`` subcommand and one parser per kind under it."""
    p = subparsers.add_parser("train", help="train a GAN, the editing U-Net or the text-to-image model; writes a "
                                            "checkpoint, samples, loss curves",
                              epilog="Every kind takes --out DIR, --resume, --seed, --epochs, --device and --fast; "
                                     "`train KIND --help` lists the rest.")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="KIND",
                             parser_class=functools.partial(argparse.ArgumentParser, exit_on_error=False))
    for name in sorted(KINDS):
        kind = get_kind(name)
        if kind.train is None:  # a kind that can only be evaluated
            continue
        sp = kinds.add_parser(name, help=HELP[kind.family])
        add_run_flags(sp, name)
        FAMILY_FLAGS[kind.family](sp, name)
        sp.set_defaults(run=run)


def add_run_flags(p, kind: str) -> None:
    """The flags of every kind."""
    p.add_argument("--epochs", type=positive, default=None, help="total epochs of real data (default: the recipe's)")
    p.add_argument("--seed", type=seed, default=None, help="seed of init, data order and noise (default 0)")
    p.add_argument("--out", default=None, help=f"output folder (default runs/{kind})")
    p.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    p.add_argument("--fast", action="store_true", help="a few dozen steps on a data subset (also COURSE_FAST=1)")
    add_device(p)


def add_batch_flags(p) -> None:
    p.add_argument("--batch-size", type=count(), default=None, help="images per batch and process (default: the "
                                                                 "recipe's)")
    p.add_argument("--global-batch-size", type=count(), default=None,
                   help="images per step over all torchrun processes, split evenly (instead of --batch-size)")
    p.add_argument("--lr", type=positive, default=None, help="Adam learning rate of both networks")


def add_gan_flags(p, kind: str) -> None:
    add_batch_flags(p)
    p.add_argument("--exclude-category", default=None, metavar="NAME",
                   help="train without this category (name or index), e.g. a base for `finetune`")
    add_folder_arguments(p)
    add_tracking_arguments(p)
    add_precision(p)
    p.add_argument("--compile", action="store_true", default=None,
                   help="torch.compile both networks (a gradient-penalty critic stays eager); compiling takes "
                        "a while first, measured in docs/performance.md")
    refuse(p, UNET_FLAGS, f"{{flag}} is for `train unet` only; {kind} is a GAN (it takes --epochs, --batch-size, "
                          "--lr, --seed).")


def add_unet_flags(p, kind: str) -> None:
    add_batch_flags(p)
    p.add_argument("--task", default=None, help="denoise, inpaint, deblur, enhance, a comma-separated list, or all "
                                                "(one model per task)")
    p.add_argument("--steps", type=count(), default=None, help="steps per task (default: the recipe's)")
    p.add_argument("--strength", default=None, help="training strengths LOW,HIGH in [0, 1] (default 0,1)")
    p.add_argument("--adversarial", action="store_true", default=None,
                   help="add pix2pix's PatchGAN term to the L1 loss")
    refuse(p, GAN_FLAGS, "{flag} is for the GAN kinds (dcgan, cgan, wgan-gp); the U-Net trains on the catalog, "
                         "in its own precision (bf16 on CUDA, fp32 elsewhere), without tracking extras.")
    refuse(p, {"--exclude-category": "value"}, "--exclude-category is for the GAN kinds (a base for `finetune`); "
                                               "the U-Net trains on all categories.")


def add_text_flags(p, kind: str) -> None:
    add_precision(p)
    others = {**BATCH_FLAGS, **{k: v for k, v in GAN_FLAGS.items() if k != "--precision"}, **UNET_FLAGS,
              "--exclude-category": "value"}
    refuse(p, others, "{flag}: not for `train text2img`, which trains on the colour edition of the catalog with its "
                      "recipe (it takes --epochs, --seed, --out, --resume, --precision, --device, --fast).")


def add_flow_flags(p, kind: str) -> None:
    add_precision(p)
    p.add_argument("--base", default="checkpoints/text2img.pt", metavar="FILE",
                   help="the text2img file whose tokenizer, encoder, tagger and thresholds the flow model uses "
                        "(default checkpoints/text2img.pt)")
    p.add_argument("--snapshot-every", type=count(), default=None, metavar="N",
                   help="write the EMA network every N steps to OUT/snapshots/ with its training seconds")
    p.add_argument("--tensorboard", default=None, metavar="DIR",
                   help=f"write the loss and gradient norm for TensorBoard into DIR (needs {INSTALL_HINT})")
    others = {**BATCH_FLAGS, **{k: v for k, v in GAN_FLAGS.items() if k not in ("--precision", "--tensorboard")},
              **UNET_FLAGS, "--exclude-category": "value"}
    refuse(p, others, "{flag}: not for `train flow`, which trains on the colour edition with its recipe (it takes "
                      "--epochs, --seed, --out, --resume, --precision, --device, --fast, --base, --snapshot-every, "
                      "--tensorboard).")


FAMILY_FLAGS = {"gan": add_gan_flags, "editing": add_unet_flags, "text": add_text_flags, "flow": add_flow_flags}


def run(args) -> int:
    """Dispatch on the model kind to its runner, inside a torchrun process group (a no-op for one process)."""
    kind = get_kind(args.kind)
    if kind.family not in ("text", "flow"):  # no batch flags: their recipes set the batch per process
        args.batch_size = per_process_batch_size(args.batch_size, args.global_batch_size)
    with process_group(args.device):
        return kind.train(args)


def per_process_batch_size(batch_size: int | None, global_batch_size: int | None) -> int | None:
    """The per-process batch: ``--batch-size``, or ``--global-batch-size`` split over the processes."""
    if global_batch_size is None:
        return batch_size
    processes = world_size()
    if batch_size is not None:
        raise UserError("give --batch-size (per process) or --global-batch-size (all processes), not both.")
    if global_batch_size < processes or global_batch_size % processes:
        raise UserError(f"--global-batch-size {global_batch_size} does not split evenly over {processes} "
                        f"process(es); use a multiple of {processes}.")
    return global_batch_size // processes
