"""Exercise self-checks: run a learner's function against the reference on fixed seeded inputs.

A check never ends in a bare assert traceback: it returns a ``CheckResult`` that shows as
``PASS name``, ``FAIL name: what differs, on which input, and a hint``, or ``NOT ATTEMPTED name: a hint``
for the skeleton a learner copy ships (a body of ``...``). Lesson-specific checks live in
``course_lib/exercises/lessonNN.py``, are built from ``check_function`` and wrapped in ``@exercise``;
``check_prediction`` checks predict-then-run and diagnosis exercises. ``yours_or_reference`` lets the
cells after an exercise go on with the library's reference while the exercise is not solved yet.
"""

from __future__ import annotations

import dis
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class CheckResult:
    """Outcome of one exercise check; truthy when passed."""

    name: str
    passed: bool
    message: str = ""
    attempted: bool = True
    undecided: bool = False  # a predict-then-run whose run landed inside the measured noise band

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        head = f"PASS {self.name}" if self.passed else f"TOO CLOSE TO CALL {self.name}" if self.undecided \
            else f"FAIL {self.name}" if self.attempted else f"NOT ATTEMPTED {self.name}"
        return f"{head}: {self.message}" if self.message else head


@dataclass(frozen=True)
class Hint:
    """A known mistake: ``applies(got, expected, args)`` is True when the learner likely made it."""

    applies: Callable[[object, object, tuple], bool]
    text: str


def describe_value(value) -> str:
    """A short description of a value for messages: tensors by shape, dtype and range."""
    if isinstance(value, torch.Tensor):
        if value.numel() == 0:
            return f"empty tensor {tuple(value.shape)} {value.dtype}"
        v = value.detach().float()
        return f"tensor {tuple(value.shape)} {value.dtype} in [{v.min().item():.4g}, {v.max().item():.4g}]"
    return f"{type(value).__name__} {value!r}"[:200]


def compare(got, expected, atol: float, rtol: float) -> str | None:
    """None when ``got`` matches ``expected``; otherwise what differs, in words."""
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return f"expected a sequence of {len(expected)} values, got {describe_value(got)}"
        for i, (g, e) in enumerate(zip(got, expected)):
            problem = compare(g, e, atol, rtol)
            if problem:
                return f"item {i}: {problem}"
        return None
    if isinstance(expected, torch.Tensor):
        if not isinstance(got, torch.Tensor):
            return f"expected a tensor, got {describe_value(got)}"
        if got.shape != expected.shape:
            return f"shape {tuple(got.shape)}, expected {tuple(expected.shape)}"
        if got.dtype != expected.dtype and (got.is_floating_point() != expected.is_floating_point()):
            return f"dtype {got.dtype}, expected {expected.dtype}"
        if not torch.isfinite(got.float()).all():
            return "the result contains NaN or inf"
        if not torch.allclose(got.detach().to(expected.dtype), expected.detach(), atol=atol, rtol=rtol):
            diff = (got.detach().float() - expected.detach().float()).abs().max().item()
            return f"values differ from the reference by up to {diff:.4g} (tolerance {atol:g})"
        return None
    try:
        if abs(float(got) - float(expected)) <= atol + rtol * abs(float(expected)):
            return None
        return f"got {float(got):.6g}, expected {float(expected):.6g}"
    except (TypeError, ValueError):
        return None if got == expected else f"got {got!r}, expected {expected!r}"


def check_function(name: str, learner_fn: Callable, reference_fn: Callable, cases: Sequence[tuple],
                   hints: Sequence[Hint] = (), atol: float = 1e-5, rtol: float = 1e-5, pure: bool = False,
                   exact_dtype: bool = False) -> CheckResult:
    """Call both functions on each case (a tuple of positional arguments) and compare the results.

    Arguments are cloned per call, so a learner's in-place edit cannot change the reference's input.
    pure: the learner's function must leave its tensor arguments unchanged (the spec says "a copy").
    exact_dtype: the result's dtype must equal the reference's (float64 for float32 fails).
    """
    if not callable(learner_fn):
        return CheckResult(name, False, f"expected a function, got {describe_value(learner_fn)}")
    for i, args in enumerate(cases):
        expected = reference_fn(*_clone(args))
        given = _clone(args)
        try:
            got = learner_fn(*given)
        except NotImplementedError:
            return CheckResult(name, False, "not written yet: replace `raise NotImplementedError` with your code")
        except Exception as err:  # the learner's bug is the message, not a crash of the lesson
            return CheckResult(name, False, f"raised {type(err).__name__}: {err} (input {i}: "
                                            f"{', '.join(describe_value(a) for a in args)})")
        problem = compare(got, expected, atol, rtol)
        if not problem and pure and any(isinstance(a, torch.Tensor) and not torch.equal(a, g)
                                        for a, g in zip(args, given)):
            problem = "your function changed its input in place; the spec asks for a new tensor (start from a copy)"
        if not problem and exact_dtype and isinstance(expected, torch.Tensor) and got.dtype != expected.dtype:
            problem = f"dtype {got.dtype}, expected {expected.dtype}"
        if problem:
            extra = [h.text for h in hints if _safe(h, got, expected, args)]
            hint = f" Hint: {' '.join(extra)}" if extra else ""
            return CheckResult(name, False, f"input {i}: {problem}.{hint}")
    return CheckResult(name, True, f"matches the reference on {len(cases)} inputs")


def _clone(args: tuple) -> tuple:
    return tuple(a.clone() if isinstance(a, torch.Tensor) else a for a in args)


def _safe(hint: Hint, got, expected, args) -> bool:
    try:
        return bool(hint.applies(got, expected, args))
    except Exception:  # a hint that cannot be evaluated on this input simply does not apply
        return False


def is_skeleton(fn) -> bool:
    """True for a function whose body is only a docstring, comments and ``...`` (an exercise left as shipped)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return False
    ops = [(i.opname, i.argval) for i in dis.get_instructions(code) if i.opname not in ("RESUME", "NOP", "CACHE")]
    return ops in ([("LOAD_CONST", None), ("RETURN_VALUE", None)], [("RETURN_CONST", None)])


def not_attempted(name: str, hint: str) -> CheckResult:
    """The result for an exercise still as shipped: what to do first, without giving the code away."""
    return CheckResult(name, False, f"not attempted yet (still `...`). Hint: {hint}", attempted=False)


def exercise(name: str, hint: str):
    """Decorator for a lesson's ``check_*(learner_fn)``: a skeleton reports ``not_attempted(name, hint)``."""
    def decorate(check: Callable[..., CheckResult]) -> Callable[..., CheckResult]:
        @functools.wraps(check)
        def run(learner_fn, *args, **kwargs) -> CheckResult:
            if is_skeleton(learner_fn):
                return not_attempted(name, hint)
            return check(learner_fn, *args, **kwargs)
        run.hint = hint
        return run
    return decorate


def yours_or_reference(learner_fn: Callable, result: CheckResult, reference_fn: Callable) -> Callable:
    """``learner_fn`` when its check passed, else ``reference_fn``; says in one line which one the lesson uses."""
    if result.passed:
        return learner_fn
    state = "not attempted yet" if not result.attempted else "does not pass its check yet"
    print(f"your {result.name} {state}: the cells below use the library's reference instead")
    return reference_fn


def check_prediction(name: str, answer, choices: Sequence, truth, why: str) -> CheckResult:
    """A predict-then-run (or diagnosis) exercise: ``answer`` (one of ``choices``) against what the run showed.

    ``answer`` is ``...`` in the learner copy (not attempted); ``why`` explains the measured outcome.
    """
    if answer is Ellipsis:
        return not_attempted(name, f"write your guess as one of {', '.join(map(repr, choices))} before "
                                   "running the experiment, then run it.")
    if answer not in choices:
        return CheckResult(name, False, f"{answer!r} is not one of {', '.join(map(repr, choices))}.")
    if answer == truth:
        return CheckResult(name, True, f"the run agrees: {truth!r}. {why}")
    return CheckResult(name, False, f"you predicted {answer!r}; the run shows {truth!r}. {why}")


@dataclass(frozen=True)
class NoiseRule:
    """How a check reads the one run behind it: ``statistic`` against its ``boundaries`` (where the answer
    changes), with a run within ``band`` of a boundary too close to call. The band is measured over seeds,
    precisions, thread counts and both CPU kinds (data_scripts/prediction_noise.py, docs/exercise_noise.md)."""

    statistic: str
    boundaries: tuple[float, ...]
    band: float

    def side(self, value: float) -> int | None:
        """How many boundaries lie below ``value``; None when it is within ``band`` of one (too close to call)."""
        if any(abs(value - b) <= self.band for b in self.boundaries):
            return None
        return sum(value > b for b in self.boundaries)

    def too_close(self, name: str, value: float, why: str = "") -> CheckResult:
        """The verdict for a run inside the band: not FAIL, with the numbers."""
        near = min(self.boundaries, key=lambda b: abs(value - b))
        return CheckResult(name, False, f"too close to call on this run: {self.statistic} = {value:.3g}, within "
                                        f"{self.band:g} of {near:g}, inside the spread measured over seeds, "
                                        f"precisions, thread counts and CPU kinds (docs/exercise_noise.md). {why}"
                                        .strip(), undecided=True)


def check_measured(name: str, answer, answers: Sequence, rule: NoiseRule, value: float, why: str,
                   choices: Sequence | None = None) -> CheckResult:
    """A predict-then-run check read through ``rule``: ``answers[rule.side(value)]`` is the truth, a run inside
    the band is too close to call. ``choices`` (default ``answers``) may offer more answers than a run can show
    (e.g. "the same"). Call it after ``check_prediction(name, answer, choices, None, "")`` has handled ``...``."""
    side = rule.side(value)
    if side is None:
        return rule.too_close(name, value, why)
    return check_prediction(name, answer, tuple(choices or answers), answers[side], why)


class LearnerError(Exception):
    """A learner's function misbehaved in a way we can name; the message carries the hint."""


def hint_on_error(learner_fn, explain: Callable[[tuple], str | None]):
    """Wrap ``learner_fn`` so an exception it raises gets ``explain(args)`` appended as a hint.

    ``check_function`` hints only wrong values; many mistakes (a wrong slice, a missing broadcast dimension)
    raise instead. ``explain`` returns None when it has no hint for these arguments (the error then passes
    through unchanged); NotImplementedError (the exercise left as it was) always passes through.
    """
    if not callable(learner_fn):
        return learner_fn

    def wrapped(*args):
        try:
            return learner_fn(*args)
        except NotImplementedError:
            raise
        except Exception as err:
            hint = explain(args)
            if not hint:
                raise
            raise LearnerError(f"{type(err).__name__}: {err} Hint: {hint}") from err

    return wrapped
