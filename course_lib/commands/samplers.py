"""What ``python -m course_lib sample`` runs per model family: ``exit code = sampler(path, obj, args)``, ``obj`` the
file's contents, read once by ``model_file.open_model_file``.

``gan_sampler`` draws from a noise-to-image file (training checkpoint or slim generator file, EMA weights by
default); ``unet_sampler`` refuses, saying what a U-Net does instead; the text2img sampler is
``sample_text.sample_prompt``.
"""

from __future__ import annotations

from pathlib import Path

import torch

from ..categories import CLASS_NAMES, category_index
from ..gan.checkpoint import generator_from
from ..gan.sampling import default_labels, sample
from ..runtime import select_device
from . import UserError
from .folder import check_trained_on, folder_category_index
from .sample_output import write_samples


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


def load_generator(path, obj: dict, use_ema: bool, device) -> tuple[torch.nn.Module, int]:
    """(generator in eval mode, step) of a loaded training checkpoint or slim pretrained file ``obj``.

    Slim files hold only the EMA weights, so ``use_ema=False`` needs a training checkpoint.
    """
    generator = generator_from(obj, path, device, use_ema=use_ema)
    step = obj["step"] if "step" in obj else obj.get("extra", {}).get("step", -1)
    return generator, int(step)


def gan_sampler(path, obj: dict, args) -> int:
    """Rebuild the generator from the file's contents and write the images in the form ``--out`` names."""
    if args.prompt is not None:
        raise UserError(f"--prompt needs a text-conditioned checkpoint (`train text2img`, or the shipped "
                        f"checkpoints/text2img.pt); {path} is not one. For a category use --label with a "
                        "cgan file (e.g. --label 连衣裙).")
    generator, step = load_generator(path, obj, not args.no_ema, select_device(args.device))
    kind = obj["kind"]
    checked = check_trained_on(args.data, obj, path) if args.data is not None else ""
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


def unet_sampler(path, obj: dict, args) -> int:
    """An editing U-Net draws nothing: say what it does and which commands use it."""
    raise UserError(f"{path} is an editing U-Net, which restores photos and draws none: score it with "
                    f"`python -m course_lib evaluate {path}`, or sample a generator (checkpoints/dcgan.pt, "
                    "checkpoints/cgan.pt, checkpoints/text2img.pt with --prompt).")
