"""``python -m course_lib data --check``: where the data came from, counts, checksums; and
``data --make-example-folder DIR``: a small synthetic colour catalog to try ``train --data`` on."""

from __future__ import annotations

import torch

from .. import data as data_module
from ..categories import CLASS_NAMES, CLASS_NAMES_ZH
from ..data import load_fashion_mnist
from .args import count


def register(subparsers) -> None:
    """Add the ``data`` subcommand."""
    p = subparsers.add_parser("data", help="find, validate and describe Fashion-MNIST")
    p.add_argument("--check", action="store_true", help="load every split and verify the checksums")
    p.add_argument("--root", default=None, help="look here first (a folder with the four idx files)")
    p.add_argument("--download", action="store_true",
                   help="download into the user cache if no local copy exists, even when COURSE_OFFLINE is set "
                        "(without the flag it downloads unless COURSE_OFFLINE is set; needs internet)")
    p.add_argument("--make-example-folder", default=None, metavar="DIR",
                   help="write a small synthetic colour catalog (ImageFolder layout, a few broken files) into DIR")
    p.add_argument("--per-class", type=count(), default=12, help="photos per category of the example folder")
    p.set_defaults(run=run)


def run(args) -> int:
    """Print the report (exit 1 when the checksums do not match), or write the example folder."""
    if args.make_example_folder is not None:
        from ..photos.folders import make_example_folder

        out = make_example_folder(args.make_example_folder, per_class=args.per_class)
        subfolders = sorted(p.name for p in out.iterdir() if p.is_dir())
        print(f"wrote {out}: {len(subfolders)} categories ({', '.join(subfolders)}), {args.per_class} synthetic "
              "colour photos each (tinted Fashion-MNIST, upscaled) and 3 broken files a loader must skip")
        return 0
    data = load_fashion_mnist(root=args.root, download_if_missing=True if args.download else None,
                              spec=data_module.FASHION_MNIST, strict=False)
    print(f"source:    {data.source}")
    print(f"folder:    {data.folder}")
    for split in ("train", "test"):
        images, labels = data.split(split)
        print(f"{split:5s}:     {images.shape[0]} images {tuple(images.shape[1:])} {images.dtype}, "
              f"{labels.shape[0]} labels")
    if args.check:
        counts = torch.bincount(data.train_labels, minlength=len(CLASS_NAMES)).tolist()
        print("train per class: " + ", ".join(
            f"{en} ({zh}) {n}" for en, zh, n in zip(CLASS_NAMES, CLASS_NAMES_ZH, counts)))
        print(f"checksums: {'match' if data.checksums_ok else 'DO NOT MATCH'} (sha256 of the decoded arrays)")
    return 0 if data.checksums_ok else 1
