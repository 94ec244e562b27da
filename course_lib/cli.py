"""Command line: ``python -m course_lib {data,train,sample,evaluate,bench} ...``.

Each subcommand lives in ``course_lib/commands/<name>.py`` and exposes ``register(subparsers)``,
which adds its parser and sets ``run=function(args) -> exit code``. This is the top layer: nothing in the
library imports it.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import os
import sys

from .commands import UserError

COMMANDS = ("data", "train", "sample", "evaluate", "bench")


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every available subcommand."""
    parser = argparse.ArgumentParser(
        prog="python -m course_lib",
        description="Product Image GANs: data checks, training, sampling, evaluation, benchmarks.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module_name = f"course_lib.commands.{name}"
        if importlib.util.find_spec(module_name) is not None:
            importlib.import_module(module_name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Parse ``argv`` and run the subcommand; user mistakes print one clear line and exit 2."""
    from .data import DataCorruptError, DataNotFoundError

    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except (UserError, DataNotFoundError, DataCorruptError, ValueError, FileNotFoundError) as err:
        if os.environ.get("COURSE_DEBUG"):
            raise
        print(f"error: {err}", file=sys.stderr)
        print("(set COURSE_DEBUG=1 for the full traceback)", file=sys.stderr)
        return 2
