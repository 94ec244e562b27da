"""The flow sampler's flags of ``sample`` and ``evaluate``: ``--steps``, ``--guidance``, ``--method``.

A flow file (lesson 10) draws by integrating its velocity field: ``--steps`` Euler (or Heun) steps with
classifier-free guidance ``--guidance`` (1: none). Not given, the file's own settings hold (16 steps, guidance 2 for
the shipped one). Bad values are parse errors (``--steps 0``, ``--guidance nan``, ``--guidance -1``); the flags
on another kind of file are refused with the reason.
"""

from __future__ import annotations

from ..text2img.flow import METHODS
from . import UserError
from .args import count, guidance_scale

FLAGS = ("steps", "guidance", "method")


def add_arguments(p) -> None:
    """The three flags, for ``sample`` and ``evaluate``."""
    p.add_argument("--steps", type=count(), default=None, help="flow files: sampling steps (default: the file's)")
    p.add_argument("--guidance", type=guidance_scale, default=None,
                   help="flow files: classifier-free guidance scale >= 0, 1 = none, 0 = the words ignored "
                        "(default: the file's)")
    p.add_argument("--method", choices=METHODS, default=None, help="flow files: euler or heun (default: the file's)")


def given(args) -> list[str]:
    return [f"--{name}" for name in FLAGS if getattr(args, name, None) is not None]


def refuse_unless_flow(kind: str, path, args) -> None:
    """UserError when the flags are given for a file that is not a flow model."""
    if kind != "flow" and given(args):
        raise UserError(f"{', '.join(given(args))}: for flow-matching files only (lesson 10, `train flow`); "
                        f"{path} is a {kind} file, which draws in one step.")


def configure(model, args) -> None:
    """Set a flow model's sampler from the flags given (a no-op for other models)."""
    if getattr(model, "kind", None) == "flow":
        model.generator.configure(args.steps, args.guidance, args.method)
