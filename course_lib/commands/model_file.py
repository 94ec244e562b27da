"""A model file opened once: ``open_model_file(path)`` reads it safely and names its kind in ``kinds.KINDS``.

``sample``, ``evaluate`` and ``finetune`` each read their file here, once, and dispatch on the kind through the
registry (``Kind.sample``, ``Kind.evaluate``, ``Kind.finetune_refusal``), passing the loaded contents on, so no
command reads a file twice to learn what it holds.
"""

from __future__ import annotations

from pathlib import Path

from ..serialization import read_torch_file
from . import UserError
from .kinds import KINDS

MISSING = ("`python -m course_lib train KIND --out DIR` writes DIR/checkpoint.pt, and the repository ships "
           "checkpoints/KIND.pt.")


def open_model_file(path, command: str, what: str = "model file", missing_hint: str = MISSING) -> tuple[str, dict]:
    """(kind, the file's contents) of a course_lib model file; UserError saying what the file is instead.
    command: the command that opens it ('sample', 'evaluate', 'finetune'), named in the refusal of an unknown kind."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path} is a folder; pass the file inside it, e.g. {path / 'checkpoint.pt'}.")
    obj = read_torch_file(path, what, missing_hint=missing_hint)
    kind = obj.get("kind") if isinstance(obj, dict) else None
    if not isinstance(kind, str):
        raise UserError(f"{path} is a torch file but names no model kind; pass a checkpoint.pt written by "
                        "`train` or a file written by course_lib.gan.checkpoint.save_pretrained.")
    if kind not in KINDS:
        raise UserError(f"{path} holds a model of kind {kind!r}, which `{command}` does not know; it reads "
                        f"{', '.join(sorted(KINDS))}.")
    return kind, obj
