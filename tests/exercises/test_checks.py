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


def test_skeletons_are_recognised_and_reported_not_attempted(capsys):
    from course_lib.exercises.checks import check_prediction, exercise, is_skeleton, yours_or_reference

    def skeleton(x):
        """A docstring and a comment are still a skeleton."""
        # write here
        ...

    def attempt(x):
        return None

    assert is_skeleton(skeleton) and not is_skeleton(attempt.__call__) and not is_skeleton(len)

    @exercise("double", "multiply by two")
    def check_double(fn):
        return check_function("double", fn, lambda x: 2 * x, [(torch.tensor(3.0),)])

    result = check_double(skeleton)
    assert not result and not result.attempted and repr(result).startswith("NOT ATTEMPTED double")
    assert "Hint: multiply by two" in result.message and check_double.hint == "multiply by two"
    assert check_double(lambda x: x + x).passed and check_double(lambda x: x).attempted
    assert yours_or_reference(skeleton, result, len) is len
    assert "your double not attempted yet" in capsys.readouterr().out
    assert check_prediction("p", ..., ("a", "b"), "a", "").attempted is False
    assert check_prediction("p", "a", ("a", "b"), "a", "because").passed
    assert "you predicted 'b'; the run shows 'a'" in check_prediction("p", "b", ("a", "b"), "a", "").message
    assert "not one of" in check_prediction("p", "c", ("a", "b"), "a", "").message


def test_pure_and_exact_dtype_options():
    def in_place(x):
        x.mul_(2)
        return x

    assert "changed its input in place" in check_function("f", in_place, lambda x: 2 * x, [(torch.ones(2),)],
                                                          pure=True).message
    assert check_function("f", in_place, lambda x: 2 * x, [(torch.ones(2),)]).passed  # not asked to be pure
    result = check_function("f", lambda x: x.double(), lambda x: x.float(), [(torch.ones(2),)], exact_dtype=True)
    assert "dtype torch.float64, expected torch.float32" in result.message


def test_a_noise_rule_reads_the_side_and_refuses_inside_its_band():
    from course_lib.exercises.checks import NoiseRule, check_measured

    rule = NoiseRule("the effect", (0.3, 0.7), band=0.05)
    assert [rule.side(v) for v in (0.1, 0.36, 0.5, 0.76, 0.9)] == [0, 1, 1, 2, 2]
    assert rule.side(0.26) is None and rule.side(0.34) is None and rule.side(0.7) is None
    answers = ("low", "middle", "high")
    assert check_measured("x", "middle", answers, rule, 0.5, "why").passed
    wrong = check_measured("x", "low", answers, rule, 0.5, "why")
    assert not wrong.passed and not wrong.undecided and repr(wrong).startswith("FAIL x: you predicted 'low'")
    close = check_measured("x", "low", answers, rule, 0.32, "why")
    assert not close.passed and close.undecided and close.attempted
    assert repr(close).startswith("TOO CLOSE TO CALL x: too close to call on this run: the effect = 0.32, within "
                                  "0.05 of 0.3") and close.message.endswith("why")
    more = check_measured("x", "the same", ("lower", "higher"), NoiseRule("d", (0.0,), 0.1), 0.5, "",
                          choices=("higher", "lower", "the same"))
    assert not more.passed and "the run shows 'higher'" in more.message
    assert "is not one of" in check_measured("x", "sideways", answers, rule, 0.5, "").message
