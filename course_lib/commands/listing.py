"""``python -m course_lib listing (--prompt TEXT | --photo FILE) --out DIR``: a labelled product listing (lesson 09).

``--prompt``: K candidates of the shipped text-to-image model, each read by the tagger and scored against the
request, ranked with the reasons, checked (category, attributes, not a copy); the best that passes every check
becomes the listing, and ``--change colour=blue`` re-describes it (same latent, one word changed) and says what
moved. ``--photo``: the shop's photo read, restored (``--restore auto`` estimates what is wrong) and tagged.
Writes ``OUT/listing.png`` (the card, with the visible and the implicit label) and ``OUT/listing.json``. A
listing whose checks fail is shown and not written unless ``--force`` (exit 1); an existing OUT is refused
unless ``--force``.
"""

from __future__ import annotations

import time
from pathlib import Path

from ..runtime import configure_cpu_threads, select_device
from ..serialization import shipped_dir
from . import UserError
from .args import count, seed
from .flags import add_device

TASK_CHOICES = ("auto", "none", "denoise", "deblur", "enhance", "inpaint")


def register(subparsers) -> None:
    """Add the ``listing`` subcommand."""
    p = subparsers.add_parser("listing", help="a labelled product listing from a description or a shop photo")
    source = p.add_mutually_exclusive_group()  # one is needed: check_args says so (argparse would exit itself)
    source.add_argument("--prompt", default=None, help="the request, English or 中文, e.g. \"红色宽松连衣裙\"")
    source.add_argument("--photo", default=None, metavar="FILE", help="the shop's own photo of one product")
    p.add_argument("--candidates", type=count(), default=8, help="candidates drawn for a prompt (default 8)")
    p.add_argument("--seed", type=seed, default=0, help="seed of the candidates' latents")
    p.add_argument("--change", default=None, metavar="ATTRIBUTE=VALUE",
                   help="re-describe the chosen candidate with one attribute changed, e.g. colour=blue or 颜色=蓝色")
    p.add_argument("--restore", default="auto", choices=TASK_CHOICES,
                   help="photos: the restoration (auto: estimated from the photo; none: as it is)")
    p.add_argument("--out", default="runs/listing", help="output folder (default runs/listing)")
    p.add_argument("--force", action="store_true",
                   help="export even when a check fails, and replace the files of an existing --out")
    add_device(p)
    p.set_defaults(run=run)


def check_args(args) -> Path:
    """Refuse what cannot work before anything loads; the output folder."""
    out = Path(args.out)
    if args.prompt is None and args.photo is None:
        raise UserError("give the product as --prompt TEXT (e.g. \"红色宽松连衣裙\") or as --photo FILE.")
    if out.exists() and not out.is_dir():
        raise UserError(f"--out {out} is a file; pass a folder.")
    if out.is_dir() and any(out.iterdir()) and not args.force:
        raise UserError(f"--out {out} already holds files; pass --force to replace them, or choose another --out.")
    if args.photo is not None and args.change is not None:
        raise UserError("--change re-describes a generated candidate; it is for --prompt, not --photo.")
    if args.prompt is not None and args.restore != "auto":
        raise UserError("--restore is for --photo; a generated candidate needs no restoration.")
    if args.restore == "inpaint":
        raise UserError("--restore inpaint needs the hole's mask, which a photo does not carry; lesson 05 inpaints "
                        "with a known mask. Use denoise, deblur, enhance, auto or none.")
    return out


def run(args) -> int:
    """Make the listing, print what each stage found, write it when its checks pass (or with --force)."""
    from ..listing.request import parse_change

    start = time.perf_counter()
    out = check_args(args)
    change = parse_change(args.change) if args.change is not None else None  # a bad --change fails before loading
    configure_cpu_threads()
    device = select_device(args.device)
    from ..text2img.model import load

    model = load(shipped_dir() / "text2img.pt", device=device)
    from .listing_runs import photo_run, prompt_run

    code = (prompt_run(model, args, change, out) if args.prompt is not None else photo_run(model, args, out, device))
    print(f"({time.perf_counter() - start:.1f} s)")
    return code
