"""Build hook: the wheel carries the shipped checkpoints as package data, ``course_lib/checkpoints/*.pt``.

The repository keeps them at ``checkpoints/`` (the lessons, the docs and the command line name that folder); a
source checkout reads it there. Every pip install scheme (venv, ``--user``, a system or ``--prefix`` prefix,
``--target``) puts package data beside the code, where ``course_lib.serialization.shipped_dirs`` finds it with
``importlib.resources``. Everything else about the package is in ``pyproject.toml``.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithCheckpoints(build_py):
    """``build_py``, then ``checkpoints/*.pt`` copied to ``BUILD_LIB/course_lib/checkpoints/``."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install runs from the checkout, which reads checkpoints/ itself
        target = Path(self.build_lib) / "course_lib" / "checkpoints"
        self.mkpath(str(target))
        for path in sorted((ROOT / "checkpoints").glob("*.pt")):
            self.copy_file(str(path), str(target / path.name))


setup(cmdclass={"build_py": BuildWithCheckpoints})
