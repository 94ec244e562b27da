"""``--data DIR --image-size S --channels C``: train a GAN on a folder of one's own photos instead of the catalog.

The folder is read by ``photos.load_image_folder`` (flat: unconditional; one subfolder per category: the
sorted names become a conditional model's labels), decoded once and cached. The model config gets the
folder's size and channels (and, conditional, its number of categories); the checkpoint keeps the folder and
settings, so ``--resume`` refuses other ones, and ``sample --data DIR`` checks that DIR is that folder.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import torch

from ..gan.checkpoint import model_config_dict
from ..models import get_model_kind
from ..photos.folders import layout, load_image_folder
from ..runtime import is_main_process, say
from . import UserError
from .args import count

SIZES, CHANNELS = (32, 64, 128), (1, 3)


def add_arguments(p) -> None:
    """The three options, for ``train``."""
    p.add_argument("--data", default=None, metavar="DIR",
                   help="GANs: train on a folder of photos (flat, or a subfolder per category), not the catalog")
    p.add_argument("--image-size", type=count(), default=None, choices=SIZES,
                   help="with --data: 32, 64 or 128 (default 64)")
    p.add_argument("--channels", type=count(), default=None, choices=CHANNELS,
                   help="with --data: 1 grey or 3 colour (default 3)")


def folder_args_without_data(args) -> None:
    """Refuse --image-size / --channels without --data: the catalog is 28x28 grey."""
    if getattr(args, "image_size", None) is not None or getattr(args, "channels", None) is not None:
        raise UserError("--image-size and --channels go with --data DIR (the catalog is 28x28 grey).")


def folder_data(args, kind: str, model_cfg, ckpt: dict | None) -> tuple[torch.Tensor, torch.Tensor | None, object,
                                                                         dict]:
    """(images (N, S, S[, 3]) uint8, labels (N,) or None, the model config for them, what the checkpoint keeps)."""
    if getattr(args, "exclude_category", None) is not None:
        raise UserError("--exclude-category picks a catalog category; with --data, leave that folder out instead.")
    saved = (ckpt or {}).get("extra", {}).get("data")
    size = args.image_size or (saved or {}).get("image_size", 64)
    channels = args.channels or (saved or {}).get("channels", 3)
    if saved is not None and (saved["image_size"], saved["channels"]) != (size, channels):
        raise UserError(f"the checkpoint was trained at {saved['image_size']} px with {saved['channels']} channel(s); "
                        "resume with the same --image-size and --channels, or start a new run in another --out.")
    try:
        data = load_image_folder(args.data, size=size, channels=channels, progress=is_main_process())
    except (FileNotFoundError, ValueError) as err:
        raise UserError(str(err)) from None
    if data.skipped:
        say(f"skipped {len(data.skipped)} file(s): " + "; ".join(f"{f} ({r})" for f, r in data.skipped[:10]))
    conditional = get_model_kind(kind).conditional
    if conditional and not data.classes:
        raise UserError(f"{kind} is conditional: put the photos in one subfolder per category ({args.data}/dress/, "
                        f"{args.data}/boot/, ...), or train an unconditional kind (dcgan, wgan-gp).")
    changes = {"image_size": size, "channels": channels}
    if conditional:
        changes["attributes"] = (("category", len(data.classes)),)
    kept = {"folder": str(args.data), "absolute": str(Path(args.data).resolve()), "image_size": size,
            "channels": channels, "classes": data.classes}
    say(f"--data {args.data}: {len(data.images)} photos at {size} px, {channels} channel(s)"
        + (f", {len(data.classes)} categories" if data.classes else "") + (" (from the cache)" if data.cached else ""))
    return data.images, data.labels if conditional else None, dataclasses.replace(model_cfg, **changes), kept


def check_trained_on(folder, obj: dict, path) -> str:
    """Check that the generator file ``obj`` (read from ``path``) was trained on ``folder`` (``train --data``), with
    the same categories; returns a line saying so, UserError otherwise.

    The file keeps the folder as given and, since this check exists, its absolute path; either one naming the
    same folder as ``folder`` (``os.path.samefile``) passes, so a run started elsewhere with a relative path passes
    too as long as its absolute path still exists.
    """
    saved = (obj.get("extra") or {}).get("data")
    try:
        model = model_config_dict(obj)
    except (KeyError, TypeError):
        model = {}
    if saved is None:
        if model.get("image_size", 28) in (28, 32) and model.get("channels", 1) == 1:
            raise UserError(f"--data is for generators of photos (`train --data`); {path} draws catalog thumbnails "
                            "(Fashion-MNIST), not photos of a folder: drop --data.")
        raise UserError(f"{path} does not record the folder it was trained on (a slim file exported before the "
                        "record was kept), so --data cannot be checked: drop --data, or pass the training "
                        "checkpoint (OUT/checkpoint.pt).")
    folder = Path(folder)
    if not folder.is_dir():
        raise UserError(f"--data {folder} is not a folder; {path} was trained on --data {saved['folder']}.")
    recorded = [p for p in (saved.get("absolute"), saved["folder"]) if p and Path(p).is_dir()]
    if not any(os.path.samefile(p, folder) for p in recorded):
        where = f" ({saved['absolute']})" if saved.get("absolute") else ""
        raise UserError(f"{path} was trained on --data {saved['folder']}{where}, not on {folder}: pass that folder, "
                        "or drop --data (sample needs no data; the model draws what it learnt).")
    classes = layout(folder)[0]
    if classes != list(saved["classes"]):
        raise UserError(f"{folder} now holds the categories {classes or '(none: flat)'}, but {path} was trained on "
                        f"{list(saved['classes']) or '(none: flat)'}: the folder changed since training.")
    return (f"checked: trained on {folder}" + (f" ({len(classes)} categories: {', '.join(classes)})" if classes else "")
            + f", {saved['image_size']} px, {saved['channels']} channel(s)")


def folder_category_index(value, classes: list[str]) -> int:
    """A category of a folder-trained model by index ("1") or by its subfolder's name, any case ("Dress");
    UserError listing the folder's categories for anything else."""
    text = str(value).strip()
    if text.isdigit() and int(text) < len(classes):
        return int(text)
    for index, name in enumerate(classes):
        if text.lower() == name.lower():
            return index
    names = ", ".join(f"{k} {name!r}" for k, name in enumerate(classes))
    raise UserError(f"unknown category {value!r} for this model, trained on a folder whose categories are its "
                    f"subfolders: give an index 0-{len(classes) - 1} or a name, one of {names}.")
