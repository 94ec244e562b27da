import pytest

from course_lib.fast import fast_mode, pick


def test_pytest_runs_in_fast_mode():
    assert fast_mode() and pick(1000, 10) == 10


@pytest.mark.parametrize("value,expected", [("0", False), ("", False), ("1", True), ("yes", True)])
def test_values(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_FAST", value)
    assert fast_mode() is expected


def test_bad_value_is_explained(monkeypatch):
    monkeypatch.setenv("COURSE_FAST", "maybe")
    with pytest.raises(ValueError, match="COURSE_FAST must be 1 or 0"):
        fast_mode()
