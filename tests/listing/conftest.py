"""The shipped text-to-image model, loaded once for the listing tests (a second on the CPU)."""

import pytest

from course_lib.serialization import shipped_dir
from course_lib.text2img.model import load


@pytest.fixture(scope="session")
def model():
    return load(shipped_dir() / "text2img.pt", device="cpu")
