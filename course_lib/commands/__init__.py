"""The command line's subcommands, one module each: argparse glue over the library, and nothing the lessons import.

Each ``<name>.py`` of ``cli.COMMANDS`` exposes ``register(subparsers)``, which adds its parser and sets
``run=function(args) -> exit code``. ``kinds.KINDS`` is the one registry of the model kinds that ``train``,
``sample`` and ``evaluate`` know. ``UserError`` is a mistake in what the user asked for.
"""


class UserError(Exception):
    """A mistake in what the user asked for; the message says what was wrong and how to fix it."""
