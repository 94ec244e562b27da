"""``python -m course_lib sample CHECKPOINT --n 64 --out grid.png``: images from a trained generator.

The file is read once (``model_file.open_model_file``) and its kind's sampler in ``kinds.KINDS`` draws from it
(``samplers``). ``--out`` names the form (``sample_output``): ``grid.png`` a grid, ``fakes.npz`` uint8 arrays
(and the labels), ``fakes/`` one numbered PNG per image, the folder FID tools read. A text2img or flow file draws
``--prompt`` (``sample_text``); a flow file's sampler takes ``--steps``, ``--guidance`` and ``--method``
(``flow_flags``). ``--data DIR`` only checks that a generator of photos was trained on DIR
(``folder.check_trained_on``): sampling itself needs no data.
"""

from __future__ import annotations

from pathlib import Path

from .args import count, seed
from .flags import add_device
from .flow_flags import add_arguments as add_flow_flags
from .flow_flags import refuse_unless_flow
from .kinds import KINDS
from .model_file import open_model_file
from .sample_output import output_form

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
    add_flow_flags(p)
    p.set_defaults(run=run)


def run(args) -> int:
    """Open the file once and hand it to its kind's sampler (``kinds.KINDS``)."""
    if args.n < 1:
        raise ValueError(f"--n must be at least 1, got {args.n}.")
    output_form(Path(args.out))  # a bad --out is refused before the model is loaded
    kind, obj = open_model_file(args.checkpoint, "sample", "checkpoint", missing_hint=MISSING)
    refuse_unless_flow(kind, args.checkpoint, args)
    return KINDS[kind].sample(Path(args.checkpoint), obj, args)
