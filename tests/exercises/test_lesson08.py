"""course_lib.exercises.lesson08: the references pass, skeletons are not attempted, known mistakes get hints,
and the reference rule stops where the library's EarlyStopping callback stops."""

import math

import torch

from course_lib.exercises.lesson08 import CASES, check_early_stopping, check_freeze, early_stopping_update
from course_lib.gan.finetune import discriminator_blocks, freeze_first_blocks
from course_lib.gan.scoring import EarlyStopping


def test_reference_solutions_pass_and_skeletons_are_not_attempted():
    assert check_freeze(freeze_first_blocks)
    assert check_early_stopping(early_stopping_update)

    def skeleton(a, b):
        ...

    def skeleton4(a, b, c, d):
        ...

    assert not check_freeze(skeleton).attempted and not check_early_stopping(skeleton4).attempted


def freeze_last(d, k):
    return freeze_first_blocks_of(discriminator_blocks(d)[len(discriminator_blocks(d)) - k:]) if k else 0


def freeze_convs_only(d, k):
    return freeze_first_blocks_of([block[:1] for block in discriminator_blocks(d)[:k]])


def freeze_first_blocks_of(blocks):
    count = 0
    for block in blocks:
        for layer in block:
            for p in layer.parameters(recurse=False):
                p.requires_grad_(False)
                count += p.numel()
    return count


def test_freeze_mistakes_are_named():
    assert "LAST blocks" in check_freeze(freeze_last).message
    assert "normalisation" in check_freeze(freeze_convs_only).message
    assert "requires_grad" in check_freeze(lambda d, k: d.eval() and 0).message
    counts_tensors = check_freeze(lambda d, k: freeze_first_blocks(d, k) and sum(
        1 for p in d.parameters() if not p.requires_grad))
    assert not counts_tensors and "p.numel()" in counts_tensors.message


def keeps_a_reference(state, value, weights, patience):
    if value < state["best"]:
        state.update(best=value, waited=0, best_weights=weights)
        return False
    state["waited"] += 1
    return state["waited"] >= patience


def ties_improve(state, value, weights, patience):
    if value <= state["best"]:
        state.update(best=value, waited=0, best_weights={k: v.clone() for k, v in weights.items()})
        return False
    state["waited"] += 1
    return state["waited"] >= patience


def one_late(state, value, weights, patience):
    if value < state["best"]:
        state.update(best=value, waited=0, best_weights={k: v.clone() for k, v in weights.items()})
        return False
    state["waited"] += 1
    return state["waited"] > patience


def test_early_stopping_mistakes_are_named():
    assert "keep a copy" in check_early_stopping(keeps_a_reference).message
    for wrong in (ties_improve, one_late):
        result = check_early_stopping(wrong)
        assert not result and "strictly lower" in result.message


class Step:
    def __init__(self):
        self.step, self.stop_reason = 0, None
        self.ema = type("EMA", (), {"module": torch.nn.Linear(1, 1)})()


def test_reference_rule_matches_the_library_callback():
    for values, patience in CASES:
        state, stop = {"best": math.inf, "waited": 0, "best_weights": None}, None
        for i, value in enumerate(values):
            if early_stopping_update(state, value, {"w": torch.zeros(1)}, patience):
                stop = i
                break
        curve = iter(values)
        trainer, callback = Step(), EarlyStopping(lambda t, c=curve: next(c), every=1, patience=patience)
        for i in range(len(values)):
            trainer.step = i + 1
            callback(trainer)
            if trainer.stop_reason:
                break
        assert (None if trainer.stop_reason is None else trainer.step - 1) == stop and callback.best == state["best"]


def test_overfitting_prediction_is_checked_against_a_run():
    from course_lib.exercises.lesson08 import check_overfitting_prediction

    assert not check_overfitting_prediction(...).attempted
    assert "is not one of" in check_overfitting_prediction("neither").message
    right = check_overfitting_prediction("training photos")
    assert right and "of its training photos real" in right.message
    assert not check_overfitting_prediction("held-out photos")


def test_head_start_prediction_is_checked_against_a_run_and_calls_close_ones_undecided(monkeypatch):
    import math

    from course_lib.exercises import lesson08

    assert not lesson08.check_head_start_prediction(...).attempted
    assert "is not one of" in lesson08.check_head_start_prediction("both").message
    right = lesson08.check_head_start_prediction("from scratch")  # the real run: two 200-step trainings
    scratch, tuned = lesson08.head_start_fids()
    assert right and tuned > scratch and f"{scratch:.1f} from scratch" in right.message
    assert not lesson08.check_head_start_prediction("fine-tuned")
    assert lesson08.head_start_effect() == math.log(tuned / scratch)
    monkeypatch.setattr(lesson08, "head_start_fids", lambda: (10.0, 11.0))  # log 1.1 = 0.095, inside the band
    close = lesson08.check_head_start_prediction("fine-tuned")
    assert close.undecided and "too close to call" in close.message
    monkeypatch.setattr(lesson08, "head_start_fids", lambda: (20.0, 10.0))
    assert lesson08.check_head_start_prediction("fine-tuned")
