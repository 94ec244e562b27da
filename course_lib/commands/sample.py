"""``python -m course_lib sample CHECKPOINT --n 64 --out grid.png``: a grid from a trained generator."""

from __future__ import annotations

from pathlib import Path

import torch

from ..categories import CLASS_NAMES, category_index
from ..gan.checkpoint import read_generator
from ..gan.sampling import sample
from ..plots import save_grid
from ..runtime import select_device
from . import UserError
from .args import count, seed


def register(subparsers) -> None:
    """Add the ``sample`` subcommand."""
    p = subparsers.add_parser("sample", help="draw a grid of images from a checkpoint (EMA generator)")
    p.add_argument("checkpoint", help="a checkpoint.pt written by `train`, or a shipped file (checkpoints/KIND.pt)")
    p.add_argument("--n", type=count(), default=64, help="number of images (default 64)")
    p.add_argument("--out", default="grid.png", help="PNG to write (default grid.png)")
    p.add_argument("--seed", type=seed, default=0, help="seed of z (same seed, same images)")
    p.add_argument("--nrow", type=count(), default=None, help="images per row (default 8, or one per class)")
    p.add_argument("--device", default="auto", help="auto, cpu, cuda or mps")
    p.add_argument("--no-ema", action="store_true", help="use the last training weights instead of the EMA")
    p.add_argument("--label", default=None, help="conditional checkpoints: draw only this category, by index "
                   "(0-9) or name ('Dress', '连衣裙')")
    p.set_defaults(run=run)


def label_batch(label, n: int, generator, kind: str):
    """(labels (n,) int64 or None, text for the message) for ``--label``; clear errors for misuse."""
    if label is None:
        return None, ""
    if not getattr(generator, "num_classes", None):
        raise UserError(f"--label needs a conditional checkpoint (e.g. `train cgan`); this one is {kind!r}, "
                        "which draws unlabelled images. Drop --label.")
    index = category_index(label)
    return torch.full((n,), index, dtype=torch.long), f", category {index} {CLASS_NAMES[index]}"


def load(path, use_ema: bool, device) -> tuple[torch.nn.Module, str, int]:
    """(generator in eval mode, kind, step) from a training checkpoint or a slim pretrained file.

    Slim files hold only the EMA weights, so ``use_ema=False`` needs a training checkpoint.
    """
    generator, obj = read_generator(path, device, use_ema=use_ema)
    step = obj["step"] if "step" in obj else obj.get("extra", {}).get("step", -1)
    return generator, obj["kind"], int(step)


def run(args) -> int:
    """Rebuild the generator from the file alone and write the grid."""
    if args.n < 1:
        raise ValueError(f"--n must be at least 1, got {args.n}.")
    generator, kind, step = load(args.checkpoint, not args.no_ema, select_device(args.device))
    labels, what = label_batch(args.label, args.n, generator, kind)
    images = sample(generator, args.n, seed=args.seed, labels=labels)  # (n, C, S, S) in [-1, 1]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    per_class = labels is None and getattr(generator, "num_classes", None)
    save_grid(images, out, nrow=args.nrow or per_class or 8)
    weights = "last training" if args.no_ema else "EMA"
    print(f"wrote {out}: {args.n} samples of {kind}{what} (step {step}, {weights} weights, "
          f"seed {args.seed})")
    return 0
