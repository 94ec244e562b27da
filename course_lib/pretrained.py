"""Pretrained generators: load one when the repository ships it, otherwise keep the one a lesson trained.

A pretrained file is ``checkpoints/KIND.pt`` at the repository root (``wgan-gp`` -> ``wgan_gp.pt``),
either a full training checkpoint (``train`` writes one) or the slim file ``save_pretrained`` writes:
a format marker, the model kind, the model config as a plain dict and the EMA generator's weights.
Both are read with ``torch.load(weights_only=True)``. In a lesson, one line swaps the generator:

    generator = pretrained_or(trainer.ema.module, "cgan")
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import torch

from .checkpoint import FORMAT as TRAINING_FORMAT
from .checkpoint import CheckpointError, atomic_save, load_checkpoint, read_torch_file
from .models import build_models, config_from_dict, get_model_kind

FORMAT, VERSION = "course_lib.pretrained_generator", 1
DEFAULT_ROOT = Path(__file__).resolve().parents[1] / "checkpoints"


def pretrained_path(kind: str, root=None) -> Path:
    """Where the pretrained generator of ``kind`` lives: ROOT/KIND.pt with '-' as '_' (default ROOT: checkpoints/)."""
    get_model_kind(kind)
    return Path(DEFAULT_ROOT if root is None else root) / f"{kind.replace('-', '_')}.pt"


def save_pretrained(path, kind: str, model_cfg, generator: torch.nn.Module, extra: dict | None = None) -> Path:
    """Write the slim file: kind, ``asdict(model_cfg)`` and ``generator``'s weights (pass the EMA module)."""
    get_model_kind(kind)
    state = {k: v.detach().cpu() for k, v in generator.state_dict().items()}
    return atomic_save({"format": FORMAT, "version": VERSION, "kind": kind,
                        "config": {"model": dataclasses.asdict(model_cfg)}, "generator": state,
                        "extra": dict(extra or {})}, path)


def export_checkpoint(checkpoint_path, path) -> Path:
    """The slim file for a training checkpoint's EMA generator (what the repository ships)."""
    ckpt = load_checkpoint(checkpoint_path)
    generator, _ = build_models(ckpt["kind"], ckpt["config"]["model"])
    generator.load_state_dict(ckpt["ema"]["module"])
    cfg = config_from_dict(ckpt["kind"], ckpt["config"]["model"])
    return save_pretrained(path, ckpt["kind"], cfg, generator, extra={"step": int(ckpt["step"]),
                                                                      "train": ckpt["config"]["train"]})


def read_generator(path, device="cpu") -> tuple[torch.nn.Module, dict]:
    """(generator in eval mode, the file's dict) from a slim file or a training checkpoint (EMA weights)."""
    path = Path(path)
    obj = read_torch_file(path, "checkpoint or generator file",
                          missing_hint="`python -m course_lib train KIND --out DIR` writes DIR/checkpoint.pt, and the "
                          "repository ships checkpoints/KIND.pt.")
    marker = obj.get("format") if isinstance(obj, dict) else None
    if marker == TRAINING_FORMAT:
        obj = load_checkpoint(path)
        weights = obj["ema"]["module"]
    elif marker == FORMAT:
        if obj.get("version") != VERSION or not {"kind", "config", "generator"} <= set(obj):
            raise CheckpointError(f"{path}: pretrained format version {obj.get('version')} or missing keys; "
                                  f"this course_lib reads version {VERSION} with kind, config and generator.")
        weights = obj["generator"]
    else:
        raise CheckpointError(f"{path} is a torch file but neither a pretrained generator ({FORMAT!r}) nor a "
                              "training checkpoint; write it with course_lib.pretrained.save_pretrained.")
    try:
        generator, _ = build_models(obj["kind"], obj["config"]["model"])
        generator.load_state_dict(weights)
    except (ValueError, TypeError, KeyError, RuntimeError) as err:
        raise CheckpointError(f"{path}: the weights do not fit the {obj['kind']!r} model of its config "
                              f"({err})") from err
    return generator.to(device).eval(), obj


def load_pretrained(kind: str, root=None, device="cpu") -> torch.nn.Module | None:
    """The pretrained generator of ``kind`` in eval mode, or None when ROOT/KIND.pt does not exist.

    A file that exists but is damaged, or holds another kind, raises CheckpointError saying which.
    """
    path = pretrained_path(kind, root)
    if not path.is_file():
        return None
    generator, obj = read_generator(path, device)
    if obj["kind"] != kind:
        raise CheckpointError(f"{path} holds a {obj['kind']!r} generator, not {kind!r}: rename or re-export it.")
    return generator


def pretrained_or(generator: torch.nn.Module, kind: str, root=None, verbose: bool = True) -> torch.nn.Module:
    """The shipped generator of ``kind`` when there is one, else ``generator`` (says which in one line)."""
    pretrained = load_pretrained(kind, root, device=next(generator.parameters()).device)
    if verbose:
        where = pretrained_path(kind, root)
        print(f"using the pretrained generator {where}" if pretrained is not None
              else f"no pretrained {kind} generator at {where}: using the one trained above")
    return generator if pretrained is None else pretrained
