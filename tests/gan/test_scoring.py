"""course_lib.gan.scoring: the scoring callback keeps the best value (and weights), early stopping stops after
its patience, ScoreEvery without one never stops, their state round-trips; the validation FID scores a generator."""

import math

import pytest
import torch

from course_lib.gan.scoring import EarlyStopping, ScoreEvery, validation_fid


class FakeTrainer:
    def __init__(self):
        self.step, self.stop_reason = 0, None
        self.ema = type("EMA", (), {"module": torch.nn.Linear(2, 1)})()


def test_early_stopping_keeps_the_best_and_stops_after_patience():
    values = iter([5.0, 3.0, 4.0, 2.0, 2.5, 2.1, 9.0])
    trainer, stopper = FakeTrainer(), EarlyStopping(lambda t: next(values), every=10, patience=2)
    for step in range(1, 71):
        trainer.step = step
        with torch.no_grad():
            trainer.ema.module.weight.fill_(step)  # the "weights" are the step, to see which were kept
        stopper(trainer)
        if trainer.stop_reason:
            break
    assert [s for s, _ in stopper.curve] == [10, 20, 30, 40, 50, 60] and trainer.step == 60
    assert stopper.best == 2.0 and stopper.best_step == 40 and "best 2.000 at step 40" in trainer.stop_reason
    stopper.restore_best(trainer)
    assert trainer.ema.module.weight.unique().item() == 40.0
    again = EarlyStopping(lambda t: 0.0, every=10, patience=2)
    again.load_state_dict(torch.load(_saved(stopper), weights_only=True))
    assert again.curve == stopper.curve and again.best_step == 40 and again.waited == 2


def test_score_every_without_patience_never_stops_and_can_keep_no_weights():
    values = iter([5.0, 3.0, 4.0, 6.0, 7.0, 8.0, 9.0, 10.0])
    trainer, scores = FakeTrainer(), ScoreEvery(lambda t: next(values), every=5, keep_weights=False)
    for step in range(1, 41):
        trainer.step = step
        scores(trainer)
    assert trainer.stop_reason is None and len(scores.curve) == 8 and scores.waited == 6
    assert scores.best == 3.0 and scores.best_step == 10 and scores.best_state is None
    with pytest.raises(ValueError, match="EarlyStopping needs a patience"):
        EarlyStopping(lambda t: 0.0, every=5, patience=None)


def _saved(stopper):
    import io

    buffer = io.BytesIO()
    torch.save(stopper.state_dict(), buffer)
    buffer.seek(0)
    return buffer


def test_bad_settings_are_refused():
    with pytest.raises(ValueError, match="patience must be at least 1"):
        EarlyStopping(lambda t: 0.0, every=10, patience=0)
    with pytest.raises(ValueError, match="eval-every must be at least 1"):
        EarlyStopping(lambda t: 0.0, every=0, patience=3)


def test_validation_fid_is_seeded_and_lower_for_the_real_distribution():
    from course_lib.data import load_fashion_mnist, to_float
    from course_lib.gan.zoo import load_or_train

    data = load_fashion_mnist()
    boots = to_float(data.test_images[data.test_labels == 9][:300])
    trainer = FakeTrainer()
    trainer.ema.module, _ = load_or_train("dcgan")
    metric = validation_fid(boots, n=300)
    first = metric(trainer)
    assert first == metric(trainer) and math.isfinite(first) and first > 0
    other_boots = to_float(data.train_images[data.train_labels == 9][:300])
    from course_lib.metrics.features import extract, make_extractor
    from course_lib.metrics.frechet import fid_torch_fidelity

    extractor = make_extractor()
    same_line = fid_torch_fidelity(extract(other_boots, extractor, progress=False)[0],
                                   extract(boots, extractor, progress=False)[0])
    assert same_line < first  # real boots are closer to real boots than samples of all ten categories


def test_the_trainer_ends_cleanly_when_early_stopping_says_so():
    from tiny_gan import tiny_trainer

    trainer = tiny_trainer()
    values = iter([3.0, 2.0, 2.5, 2.6, 1.0])
    stopper = EarlyStopping(lambda t: next(values), every=2, patience=2)
    trainer.add_callback("on_step_end", stopper)
    trainer.run(20)  # no KeyboardInterrupt: a requested stop is not an interruption
    assert trainer.step == 8 and "best 2.000 at step 4" in trainer.stop_reason
