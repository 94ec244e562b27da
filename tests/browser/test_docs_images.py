"""Each lesson has a screenshot of its main widget in docs/images/, shown in docs/index.md (the README links there).

No browser needed (this runs with the plain `pytest`); `python data_scripts/screenshots.py` makes them.
"""

import pytest

from . import lab

IMAGES = lab.ROOT / "docs" / "images"
LESSONS = [p.stem for p in lab.lessons()]


@pytest.mark.parametrize("stem", LESSONS)
def test_lesson_has_a_screenshot(stem):
    path = IMAGES / f"{stem}.png"
    assert path.is_file(), f"no {path.relative_to(lab.ROOT)}: run `python data_scripts/screenshots.py`"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"


@pytest.mark.parametrize("page, link", [("docs/index.md", "images/{}.png")])
def test_screenshots_are_shown(page, link):
    text = (lab.ROOT / page).read_text(encoding="utf-8")
    missing = [stem for stem in LESSONS if link.format(stem) not in text]
    assert not missing, f"{page} does not show the screenshots of {missing}"
