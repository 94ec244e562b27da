"""``python -m course_lib sample CHECKPOINT --n 64 --out grid.png``: images from a trained generator.

``--out`` names the form (``sample_output``): ``grid.png`` a grid, ``fakes.npz`` uint8 arrays (and the labels),
``fakes/`` one numbered PNG per image, the folder FID tools read. A text2img file draws ``--prompt``
(``sample_text``). ``--data DIR`` only checks that a generator of
photos was trained on DIR (``folder.check_trained_on``): sampling itself needs no data.
"""

from __future__ import annotations

from pathlib import Path

import torch

from ..categories import CLASS_NAMES, category_index
from ..gan.checkpoint import read_generator
from ..gan.sampling import default_labels, sample
from ..runtime import select_device
from ..serialization import read_torch_file
from ..text2img.model import is_text2img
from . import UserError
from .args import count, seed
from .flags import add_device
from .folder import check_trained_on, folder_category_index
from .sample_output import output_form, write_samples
from .sample_text import sample_prompt

MISSING = ("`python -m course_lib train KIND --out DIR` writes DIR/checkpoint.pt; the repository ships "
           "checkpoints/KIND.pt.")


def register(subparsers) -> None:
    """Add the ``sample`` subcommand."""
    p = subparsers.add_parser("sample", help="draw images from a checkpoint (EMA generator): a grid, an .npz or a "
                              "folder of PNGs")
    p.add_argument("checkpoint", help="a checkpoint.pt written by `train`, or a shipped file (checkpoints/KIND.pt)")
    p.add_argument("--n", type=count(), default=64, help="number of images (default 64)")
    p.add_argument("--out", default="grid.png", help="X.png: one grid (default grid.png); X.npz: uint8 arrays "
                   "images (N, H, W[, 3]) and, conditional, labels; a folder (no suffix): 000000.png, ... one per "
                   "image, for torch-fidelity / pytorch-fid")
    p.add_argument("--seed", type=seed, default=0, help="seed of z (same seed, same images)")
    p.add_argument("--nrow", type=count(), default=None, help="images per row (default 8, or one per class)")
    add_device(p)
    p.add_argument("--no-ema", action="store_true", help="use the last training weights instead of the EMA")
    p.add_argument("--label", default=None, help="conditional checkpoints: draw only this category, by index "
                   "(0-9) or name ('Dress', '连衣裙')")
    p.add_argument("--data", default=None, metavar="DIR",
                   help="generators of photos (`train --data`): check that it was trained on DIR, refuse otherwise")
    p.add_argument("--prompt", default=None, help="text2img files: the description to draw, English or 中文, e.g. "
                   "\"a light blue ankle boot\" or \"红色宽松连衣裙\"")
    p.set_defaults(run=run)


def label_batch(label, n: int, generator, kind: str, classes: list[str] | None = None):
    """(labels (n,) int64 or None, text for the message) for ``--label``; clear errors for misuse. ``classes``:
    the subfolder names of a folder-trained model (``train --data``), else the catalog's ten categories."""
    if label is None:
        return None, ""
    if not getattr(generator, "num_classes", None):
        raise UserError(f"--label needs a conditional checkpoint (e.g. `train cgan`); this one is {kind!r}, "
                        "which draws unlabelled images. Drop --label.")
    index = folder_category_index(label, classes) if classes else category_index(label)
    return torch.full((n,), index, dtype=torch.long), f", category {index} {(classes or CLASS_NAMES)[index]}"


def load_generator(path, use_ema: bool, device) -> tuple[torch.nn.Module, dict, int]:
    """(generator in eval mode, the file's dict, step) from a training checkpoint or a slim pretrained file.

    Slim files hold only the EMA weights, so ``use_ema=False`` needs a training checkpoint.
    """
    generator, obj = read_generator(path, device, use_ema=use_ema)
    step = obj["step"] if "step" in obj else obj.get("extra", {}).get("step", -1)
    return generator, obj, int(step)


def run(args) -> int:
    """Rebuild the generator from the file alone and write the images in the form ``--out`` names."""
    if args.n < 1:
        raise ValueError(f"--n must be at least 1, got {args.n}.")
    output_form(Path(args.out))  # a bad --out is refused before the model is loaded
    if is_text2img(read_torch_file(args.checkpoint, "checkpoint", missing_hint=MISSING)):
        return sample_prompt(args)
    if args.prompt is not None:
        raise UserError(f"--prompt needs a text-conditioned checkpoint (`train text2img`, or the shipped "
                        f"checkpoints/text2img.pt); {args.checkpoint} is not one. For a category use --label with a "
                        "cgan file (e.g. --label 连衣裙).")
    generator, obj, step = load_generator(args.checkpoint, not args.no_ema, select_device(args.device))
    kind = obj["kind"]
    checked = check_trained_on(args.data, obj, args.checkpoint) if args.data is not None else ""
    classes = ((obj.get("extra") or {}).get("data") or {}).get("classes")
    labels, what = label_batch(args.label, args.n, generator, kind, classes)
    num_classes = getattr(generator, "num_classes", None)
    per_class = labels is None and num_classes
    if num_classes and labels is None:
        labels = default_labels(args.n, num_classes)  # what `sample` would pick, made explicit for the .npz
    images = sample(generator, args.n, seed=args.seed, labels=labels)  # (n, C, S, S) in [-1, 1]
    written = write_samples(images, Path(args.out), labels=labels, nrow=args.nrow or per_class or 8)
    weights = "last training" if args.no_ema else "EMA"
    print(f"wrote {args.out} ({written}): {args.n} samples of {kind}{what} (step {step}, {weights} weights, "
          f"seed {args.seed})" + (f"\n{checked}" if checked else ""))
    return 0
