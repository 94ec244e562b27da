import pytest

from course_lib.studies.tables import mean_std


def test_mean_and_sample_std_in_the_given_format():
    assert mean_std([1.0, 2.0, 3.0]) == "2.000 ± 1.000"  # sample std: sqrt(((-1)² + 0 + 1²) / 2) = 1
    assert mean_std([10, 14], "{:.1f}") == "12.0 ± 2.8"  # sqrt(8) = 2.83
    assert mean_std([0.25]) == "0.250"  # one value: no spread to speak of


def test_no_values_is_refused():
    with pytest.raises(ValueError, match="at least one value"):
        mean_std([])
