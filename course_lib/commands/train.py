"""``python -m course_lib train KIND``: the parser, and the dispatch to the kind's runner in ``kinds.KINDS``.

GAN kinds run ``commands.train_gan``; ``train unet --task TASK`` trains the editing U-Nets of lesson 05
(``commands.train_unet``). The options marked "unet only" are refused for the GAN kinds.
"""

from __future__ import annotations

from . import UserError
from .kinds import KINDS, get_kind


def register(subparsers) -> None:
    """Add the ``train`` subcommand."""
    p = subparsers.add_parser("train", help="train a GAN or the editing U-Net; writes a checkpoint, samples, "
                                            "loss curves")
    p.add_argument("kind", choices=sorted(KINDS), help="which model to train")
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


def run(args) -> int:
    """Dispatch on the model kind to its runner; refuse the U-Net's options for a GAN."""
    kind = get_kind(args.kind)
    given = [f"--{name}" for name in UNET_ONLY if getattr(args, name, None) is not None]
    if kind.family == "gan" and given:
        raise UserError(f"{', '.join(given)} {'is' if len(given) == 1 else 'are'} for `train unet` only; {args.kind} "
                        "is a GAN (it takes --epochs, --batch-size, --lr, --seed).")
    return kind.train(args)
