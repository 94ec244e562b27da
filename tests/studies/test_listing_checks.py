"""course_lib.studies.listing_checks: the rejection study counts every failed check of every candidate."""

from course_lib.serialization import shipped_dir
from course_lib.studies.listing_checks import rejection_study
from course_lib.text2img.model import load


def test_the_counts_add_up():
    found = rejection_study(load(shipped_dir() / "text2img.pt", device="cpu"), count=3, k=4)
    assert found["candidates"] == 12 and 0 <= found["prompts_listed"] <= 3
    assert all(found["failed"].get(name, 0) >= count for name, count in found["failed_only"].items())
    assert sum(found["failed"].values()) <= 3 * found["candidates"] and found["seconds_per_prompt"] > 0
