"""``python -m course_lib train KIND``: the parser, and the dispatch to the kind's runner in ``kinds.KINDS``.

GAN kinds run ``commands.train_gan``; ``train unet --task TASK`` trains the editing U-Nets of lesson 05
(``commands.train_unet``). The options marked "unet only" are refused for the GAN kinds.

Under ``torchrun --nproc_per_node=N -m course_lib train KIND``, every process runs this command inside
``runtime.process_group`` (gloo on CPU, NCCL on CUDA); ``--batch-size`` is per process, and
``--global-batch-size`` is split across the processes. docs/distributed.md has the details.
"""

from __future__ import annotations

from ..runtime import PRECISIONS, process_group, world_size
from . import UserError
from .args import count, positive, seed
from .folder import add_arguments as add_folder_arguments
from .kinds import KINDS, get_kind


def register(subparsers) -> None:
    """Add the ``train`` subcommand."""
    p = subparsers.add_parser("train", help="train a GAN or the editing U-Net; writes a checkpoint, samples, "
                                            "loss curves")
    p.add_argument("kind", choices=sorted(KINDS), help="which model to train")
    p.add_argument("--epochs", type=positive, default=None, help="total epochs of real data (default: the recipe's)")
    p.add_argument("--batch-size", type=count(), default=None, help="images per batch and process (default: the "
                                                                 "recipe's)")
    p.add_argument("--global-batch-size", type=count(), default=None,
                   help="images per step over all torchrun processes, split evenly (instead of --batch-size)")
    p.add_argument("--lr", type=positive, default=None, help="Adam learning rate of both networks")
    p.add_argument("--seed", type=seed, default=None, help="seed of init, data order and noise (default 0)")
    p.add_argument("--device", default="auto", help="auto (cuda, then mps, then cpu), cpu, cuda or mps")
    p.add_argument("--out", default=None, help="output folder (default runs/KIND)")
    p.add_argument("--resume", action="store_true", help="continue from OUT/checkpoint.pt")
    p.add_argument("--exclude-category", default=None, metavar="NAME",
                   help="GANs: train without this category (name or index), e.g. a base for `finetune`")
    add_folder_arguments(p)
    p.add_argument("--precision", default=None, choices=PRECISIONS,
                   help="GANs: auto (bf16 autocast on CUDA and on CPUs with native bf16, else fp32), fp32 or bf16")
    p.add_argument("--compile", action="store_true", default=None,
                   help="GANs: torch.compile both networks (a gradient-penalty critic stays eager); compiling takes "
                        "a while first, measured in docs/performance.md")
    p.add_argument("--fast", action="store_true", help="a few dozen steps on a data subset (also COURSE_FAST=1)")
    p.add_argument("--task", default=None, help="unet only: denoise, inpaint, deblur, enhance, a comma-separated "
                                                "list, or all (one model per task)")
    p.add_argument("--steps", type=count(), default=None, help="unet only: steps per task (default: the recipe's)")
    p.add_argument("--strength", default=None, help="unet only: training strengths LOW,HIGH in [0, 1] (default 0,1)")
    p.add_argument("--adversarial", action="store_true", default=None,
                   help="unet only: add pix2pix's PatchGAN term to the L1 loss")
    p.set_defaults(run=run)


UNET_ONLY = ("task", "steps", "strength", "adversarial")
GAN_ONLY = ("data", "image_size", "channels", "precision", "compile")


def run(args) -> int:
    """Dispatch on the model kind to its runner; refuse the U-Net's options for a GAN."""
    kind = get_kind(args.kind)
    if kind.family == "text":  # its own flag checks (commands.train_text2img.check_flags)
        return kind.train(args)
    given = [f"--{name}" for name in UNET_ONLY if getattr(args, name, None) is not None]
    if kind.family == "gan" and given:
        raise UserError(f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} for `train unet` only; {args.kind} "
                        "is a GAN (it takes --epochs, --batch-size, --lr, --seed).")
    gan_only = [f"--{name.replace('_', '-')}" for name in GAN_ONLY if getattr(args, name, None) is not None]
    if kind.family != "gan" and gan_only:
        raise UserError(f"{', '.join(gan_only)} {'is' if len(gan_only) == 1 else 'are'} for the GAN kinds; the U-Net "
                        "trains on the catalog in its own precision (bf16 on CUDA, fp32 elsewhere).")
    if kind.family != "gan" and getattr(args, "exclude_category", None) is not None:
        raise UserError("--exclude-category is for the GAN kinds (a base for `finetune`); the U-Net trains on all "
                        "categories.")
    args.batch_size = per_process_batch_size(args.batch_size, getattr(args, "global_batch_size", None))
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
