"""course_lib.models.checks: the shared positive-size check names the config and the field."""

from dataclasses import dataclass

import pytest

from course_lib.models.checks import require_positive


@dataclass
class Sizes:
    width: int = 4
    depth: int = 2


def test_positive_fields_pass_and_a_bad_one_is_named():
    require_positive(Sizes(), ("width", "depth"), "Sizes")
    with pytest.raises(ValueError, match="Sizes depth must be a positive integer, got 0"):
        require_positive(Sizes(depth=0), ("width", "depth"), "Sizes")
    require_positive(Sizes(width=-1), ("depth",), "Sizes")  # only the named fields are checked
