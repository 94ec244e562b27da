"""``python -m course_lib ...``: see ``course_lib.commands.cli``."""

import sys

from .commands.cli import main

if __name__ == "__main__":
    sys.exit(main())
