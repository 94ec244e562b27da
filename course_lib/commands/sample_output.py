"""What ``sample --out`` writes, chosen by the path: a PNG grid, an ``.npz`` of arrays, or a folder of PNGs.

- ``grid.png``: one grid (``plots.save_grid``), to look at;
- ``samples.npz``: ``images`` uint8 (N, H, W) grey or (N, H, W, 3) colour, plus ``labels`` (N,) int64 for a
  conditional model and ``prompts`` (N,) str for a text-to-image one, written atomically, to compute with;
- ``fakes/`` (no suffix, or an existing folder): ``000000.png, 000001.png, ...``, one image each ('L' grey or
  'RGB'), the folder input of torch-fidelity and pytorch-fid.

Any other suffix (``.jpg``, ``.txt``, ...) is refused: a typo should not become a folder named ``grid.jpg``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from ..data import to_uint8
from ..plots import save_grid
from ..serialization import atomic_save
from . import UserError

FORMS = ("a .png path (one grid)", "a .npz path (uint8 arrays)", "a folder (no suffix: one numbered PNG per image)")
NUMBERED = re.compile(r"\d{6}\.png")


def to_arrays(images: torch.Tensor) -> np.ndarray:
    """images (N, C, H, W) in [-1, 1] -> uint8 (N, H, W) for C=1, (N, H, W, 3) for C=3: round((x+1)*127.5), clamped."""
    if images.dim() != 4 or images.shape[1] not in (1, 3):
        raise ValueError(f"images must be (N, 1 or 3, H, W), got {tuple(images.shape)}.")
    x = to_uint8(images)
    return (x[:, 0] if x.shape[1] == 1 else x.permute(0, 2, 3, 1)).contiguous().numpy()


def output_form(out: Path) -> str:
    """'grid', 'npz' or 'folder' for ``out``; UserError naming the three accepted forms for any other suffix."""
    if out.is_dir():
        return "folder"
    form = {".png": "grid", ".npz": "npz", "": "folder"}.get(out.suffix.lower())
    if form is not None:
        return form
    raise UserError(f"--out {out}: {out.suffix!r} is not an accepted output; pass {FORMS[0]}, {FORMS[1]}, or "
                    f"{FORMS[2]}.")


def write_folder(folder: Path, pixels: np.ndarray) -> int:
    """pixels (N, H, W) or (N, H, W, 3) uint8 -> folder/000000.png, ...; returns how many older numbered PNGs
    (from a larger earlier run) were removed, since FID tools would read them as samples too."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, image in enumerate(pixels):  # uint8 (H, W) is saved as mode 'L', (H, W, 3) as 'RGB'
        Image.fromarray(image).save(folder / f"{i:06d}.png")
    stale = [p for p in folder.iterdir() if NUMBERED.fullmatch(p.name) and int(p.name[:6]) >= len(pixels)]
    for p in stale:
        p.unlink()
    return len(stale)


def write_samples(images: torch.Tensor, out: Path, labels: torch.Tensor | None = None,
                  prompts: list[str] | None = None, nrow: int = 8) -> str:
    """Write ``images`` in the form ``out`` names (see the module docstring); returns what was written, in words.

    images: (N, C, H, W) float in [-1, 1], C 1 or 3. labels: (N,) int64, the conditional model's labels (kept
    in the .npz). prompts: N strings, a text-to-image model's prompts (kept in the .npz). nrow: the grid's width.
    """
    out = Path(out)
    form = output_form(out)
    n = images.shape[0]
    for name, values in (("labels", labels), ("prompts", prompts)):
        if values is not None and len(values) != n:
            raise ValueError(f"{len(values)} {name} for {n} images.")
    if form == "grid":
        out.parent.mkdir(parents=True, exist_ok=True)
        save_grid(images, out, nrow=nrow)
        return "a grid"
    pixels = to_arrays(images)
    if form == "folder":
        removed = write_folder(out, pixels)
        return f"{n} PNGs in folder {out}" + (f" (removed {removed} older numbered PNGs)" if removed else "")
    arrays = {"images": pixels}
    if labels is not None:
        arrays["labels"] = labels.detach().cpu().to(torch.int64).numpy()
    if prompts is not None:
        arrays["prompts"] = np.array([str(p) for p in prompts], dtype=str)
    # atomically (temporary file beside it, then os.replace); a file object, so numpy adds no second .npz
    atomic_save(arrays, out, write=lambda values, f: np.savez(f, **values))
    extras = [name for name in ("labels", "prompts") if name in arrays]
    return (f"an .npz with images {pixels.shape} uint8" + (" and " + " and ".join(extras) if extras else ""))
