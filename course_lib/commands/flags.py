"""Flags that several commands share, each defined once: ``--device``, ``--precision``, and refused flags.

``--device`` is checked at the command line (auto, cpu, cuda, cuda:N or mps), ``--precision`` has one default,
``auto``, with one meaning everywhere (``runtime.resolve_precision``: bf16 autocast on CUDA and on CPUs with
native bf16 kernels, else fp32). ``refuse`` turns a flag that one family of models does not take into a parse
error that says why, so ``train dcgan --task denoise`` fails before anything loads.
"""

from __future__ import annotations

import argparse
import re

from ..runtime import PRECISIONS

DEVICE_HELP = "auto (cuda, then mps, then cpu), cpu, cuda, cuda:N or mps"


def device_name(value: str) -> str:
    """An argparse type: auto, cpu, cuda, cuda:N or mps (any case); whether it is here is checked later."""
    name = value.strip().lower()
    if not re.fullmatch(r"auto|cpu|mps|cuda(:\d+)?", name):
        raise argparse.ArgumentTypeError(f"must be {DEVICE_HELP}, got {value!r}")
    return name


def add_device(p) -> None:
    """``--device``, default auto."""
    p.add_argument("--device", type=device_name, default="auto", help=DEVICE_HELP)


def add_precision(p) -> None:
    """``--precision``, default auto."""
    p.add_argument("--precision", default="auto", choices=PRECISIONS,
                   help="auto (bf16 autocast on CUDA and on CPUs with native bf16 kernels, else fp32), fp32 or bf16")


class Refused(argparse.Action):
    """A flag another family takes: giving it is a parse error carrying ``message``."""

    def __init__(self, option_strings, dest, message: str = "", **kwargs):
        self.message = message
        super().__init__(option_strings, dest, help=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        raise argparse.ArgumentError(self, self.message.format(flag=option_string))


def refuse(p, flags: dict[str, str], message: str) -> None:
    """Refuse each of ``flags`` ({'--task': 'value' or 'switch'}) on parser ``p`` with ``message``
    (``{flag}`` is replaced by the flag given)."""
    for flag, takes in flags.items():
        nargs = 0 if takes == "switch" else None
        p.add_argument(flag, action=Refused, message=message, nargs=nargs, default=None)
