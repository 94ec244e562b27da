"""course_lib.studies.few_shot_runs: one measured run from a tiny base, its validation curve scripted."""

import pytest
import torch
from tiny_gan import tiny_base, tiny_images

from course_lib.data import to_float
from course_lib.metrics.scorer import FidScorer
from course_lib.studies.few_shot_runs import measure_run


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return tiny_base(tmp_path_factory.mktemp("base"))


def stopper_discriminator(base):
    from course_lib.gan.finetune import base_models

    return base_models(base)[1]


def test_measure_run_selects_on_validation_reports_on_test_and_trains_on_to_the_budget(base, monkeypatch):
    images, validation = tiny_images(8), to_float(tiny_images(12, seed=6))
    values = iter([5.0, 4.0, 4.5, 4.6, 4.7, 4.8])
    real_score = FidScorer.score_features
    calls = []

    def scripted_score(scorer, features):  # the validation curve is scripted; the other FIDs are real
        if scorer.reference_count == len(validation) and len(features) == 16:
            calls.append(1)
            return next(values)
        return real_score(scorer, features)

    monkeypatch.setattr(FidScorer, "score_features", scripted_score)
    result, at_stop, stopper = measure_run(base, images, validation, "FreezeD K=2", category=1,
                                           old_features=torch.randn(20, 128), test_features=torch.randn(24, 128),
                                           max_steps=12, every=2, patience=2, seed=0, samples=16)
    assert result.stop_step == 4 and result.stop_fid == 4.0 and result.stopped_at == 8
    assert result.budget_steps == 12 and [s for s, _, _ in result.curve] == [2, 4, 6, 8, 10, 12]
    assert result.best_fid == 4.0 and result.best_step == 4 and 0 < result.stop_seconds <= result.budget_seconds
    assert 0 <= result.gan_test <= 1 and 0 <= result.memorised <= 1 and result.old_fid > 0
    assert "curve" not in result.row() and result.row()["method"] == "FreezeD K=2"
    assert result.stop_test_fid > 0 and result.end_test_fid > 0 and result.stop_test_fid != result.stop_fid
    total = sum(p.numel() for p in stopper_discriminator(base).parameters())
    frozen = result.frozen_share * total
    assert 0.5 < result.frozen_share < 1 and frozen == pytest.approx(round(frozen))
    assert all(torch.equal(v, stopper.best_state[k]) for k, v in at_stop.state_dict().items())
