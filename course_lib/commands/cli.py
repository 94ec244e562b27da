"""Command line: ``python -m course_lib {data,lessons,train,finetune,sample,evaluate,listing,bench} ...``.

Each subcommand lives in ``course_lib/commands/<name>.py`` and exposes ``register(subparsers)``,
which adds its parser and sets ``run=function(args) -> exit code``. This is the top layer: nothing in the
library imports it.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import importlib.util
import os
import sys

from . import UserError

COMMANDS = ("data", "lessons", "train", "finetune", "sample", "evaluate", "listing", "bench")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The top-level parser with every available subcommand, or with ``only`` that one (what a run of one command
    needs: the other commands' modules, and what they import, stay unloaded, which saves seconds at start-up)."""
    parser = argparse.ArgumentParser(
        prog="python -m course_lib", exit_on_error=False,
        description="Product Image GANs: data checks, training, sampling, evaluation, benchmarks.")
    parser.add_argument("--version", action="version", version=version_text(),
                        help="print the versions of course-lib, torch and Python, and exit")
    # exit_on_error=False: a bad value raises ArgumentError, which main() turns into one line and exit code 2
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                parser_class=functools.partial(argparse.ArgumentParser, exit_on_error=False))
    for name in (only,) if only in COMMANDS else COMMANDS:
        module_name = f"course_lib.commands.{name}"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).register(sub)
    return parser


def version_text() -> str:
    """'course-lib 0.1.0 (torch 2.14.1, Python 3.11.7)': what a bug report needs first."""
    import platform

    import torch

    from .. import __version__

    return f"course-lib {__version__} (torch {torch.__version__}, Python {platform.python_version()})"


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the subcommand; user mistakes print one clear line and exit 2 (a device that is
    not here, ``--device cuda`` without a GPU, is one: the fix is the flag, so no traceback). A file that cannot
    be written (full disk, read-only folder) is one line too, with exit 1: not a usage mistake."""
    from ..data import DataCorruptError, DataNotFoundError
    from ..runtime import DeviceUnavailableError
    from ..serialization import WriteError

    try:
        words = sys.argv[1:] if argv is None else argv
        args = build_parser(words[0] if words else None).parse_args(argv)
    except argparse.ArgumentError as err:
        print(f"error: {err}", file=sys.stderr)
        print("(python -m course_lib COMMAND --help lists the options)", file=sys.stderr)
        return 2
    try:
        return int(args.run(args) or 0)
    except (UserError, DeviceUnavailableError, DataNotFoundError, DataCorruptError, ValueError,
            FileNotFoundError, WriteError) as err:
        if os.environ.get("COURSE_DEBUG"):
            raise
        print(f"error: {err}", file=sys.stderr)
        print("(set COURSE_DEBUG=1 for the full traceback)", file=sys.stderr)
        return 1 if isinstance(err, WriteError) else 2
