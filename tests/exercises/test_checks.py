import pytest
import torch

from course_lib.exercises.checks import CheckResult, Hint, check_function, compare


def reference(x):
    return x * 2


CASES = [(torch.arange(4.0),), (torch.ones(2, 3),)]


def test_pass_on_reference():
    result = check_function("double", reference, reference, CASES)
    assert result and repr(result).startswith("PASS double")


def test_not_written_yet():
    def stub(x):
        raise NotImplementedError
    result = check_function("double", stub, reference, CASES)
    assert not result and "not written yet" in repr(result)


def test_wrong_values_with_specific_hint():
    hint = Hint(lambda got, exp, args: torch.allclose(got, -exp), "you flipped the sign")
    result = check_function("double", lambda x: -2 * x, reference, CASES, hints=[hint])
    assert not result and "input 0" in result.message and "you flipped the sign" in result.message


def test_hint_only_when_it_applies():
    hint = Hint(lambda got, exp, args: torch.allclose(got, -exp), "you flipped the sign")
    result = check_function("double", lambda x: 3 * x, reference, CASES, hints=[hint])
    assert not result and "Hint" not in result.message and "differ" in result.message


def test_exception_is_reported_not_raised():
    result = check_function("double", lambda x: x.view(7), reference, CASES)
    assert not result and "raised RuntimeError" in result.message


def test_learner_cannot_change_reference_input():
    def sneaky(x):
        x.mul_(100)
        return x * 2 / 100
    assert check_function("double", sneaky, reference, CASES)


def test_compare_messages():
    assert "shape (3,), expected (4,)" in compare(torch.zeros(3), torch.zeros(4), 1e-5, 1e-5)
    assert "NaN" in compare(torch.tensor([float("nan")]), torch.zeros(1), 1e-5, 1e-5)
    assert compare(1.0000001, 1.0, 1e-5, 1e-5) is None
    assert "got 2" in compare(2.0, 1.0, 1e-5, 1e-5)
    assert "item 1" in compare((torch.zeros(1), torch.ones(1)), (torch.zeros(1), torch.zeros(1)), 1e-5, 1e-5)
    assert not CheckResult("x", False, "m")


def test_hint_on_error_adds_a_hint_only_where_it_has_one():
    from course_lib.exercises.checks import LearnerError, hint_on_error

    def broken(x):
        raise IndexError("index 3 is out of bounds")

    def todo(x):
        raise NotImplementedError

    explained = hint_on_error(broken, lambda args: "slice with x[1:]" if args[0] > 0 else None)
    with pytest.raises(LearnerError, match="IndexError: index 3 is out of bounds Hint: slice with x\\[1:\\]"):
        explained(1)
    with pytest.raises(IndexError):  # no hint for this input: the original error, unchanged
        explained(0)
    with pytest.raises(NotImplementedError):  # the exercise left as it was
        hint_on_error(todo, lambda args: "never shown")(1)
    assert hint_on_error(None, lambda args: "x") is None  # not a function: check_function reports it
