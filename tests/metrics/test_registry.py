"""course_lib.metrics.registry: each metric by name gives what its own file computes, evaluate_generator computes
the names it is given through the table, and bad names are refused."""

import math

import pytest
import torch

from course_lib.metrics import EvaluationConfig, evaluate_generator
from course_lib.metrics.frechet import fid_torch_fidelity
from course_lib.metrics.inception_score import inception_score
from course_lib.metrics.kid import kid
from course_lib.metrics.memorisation import memorisation
from course_lib.metrics.prc import precision_recall
from course_lib.metrics.registry import METRICS, Sets, get_metric

CONFIG = EvaluationConfig(kid_subsets=10, kid_subset_size=50, isc_splits=4, prc_neighborhood=3, seed=2)


@pytest.fixture(scope="module")
def sides():
    g = torch.Generator().manual_seed(0)
    generated = Sets(torch.randn(120, 16, generator=g) + 0.3, torch.randn(120, 10, generator=g),
                     torch.rand(30, 1, 28, 28, generator=g) * 2 - 1)
    real = Sets(torch.randn(150, 16, generator=g), None, torch.rand(40, 1, 28, 28, generator=g) * 2 - 1,
                held_out=torch.rand(20, 1, 28, 28, generator=g) * 2 - 1)
    return generated, real


def test_each_entry_is_its_files_metric(sides):
    generated, real = sides
    assert METRICS["fid"].compute(generated, real, CONFIG) == {"fid": fid_torch_fidelity(generated.features,
                                                                                          real.features)}
    mean, std = kid(generated.features, real.features, 10, 50, 2)
    assert METRICS["kid"].compute(generated, real, CONFIG) == {"kid_mean": mean, "kid_std": std, "kid_subset_size": 50}
    mean, std = inception_score(generated.logits, 4, 2)
    assert METRICS["is"].compute(generated, real, CONFIG) == {"is_mean": mean, "is_std": std}
    precision, recall = precision_recall(generated.features, real.features, 3)
    assert METRICS["precision_recall"].compute(generated, real, CONFIG) == {"precision": precision, "recall": recall}
    found = memorisation(generated.pixels, real.pixels, real.held_out, quantile=0.05)
    assert METRICS["memorisation"].compute(generated, real, CONFIG) == {"memorised": found.share,
                                                                        "copy_threshold": found.threshold}


def test_every_entry_names_its_keys_direction_and_input(sides):
    generated, real = sides
    for name, metric in METRICS.items():
        assert metric.better in ("lower", "higher") and metric.needs in ("features", "logits", "pixels"), name
        assert tuple(metric.compute(generated, real, CONFIG)) == metric.keys, name
    with pytest.raises(ValueError, match="unknown metric 'lpips'; known: fid, kid, is, precision_recall"):
        get_metric("lpips")


def test_evaluate_generator_computes_only_the_metrics_asked_for(monkeypatch):
    """FID alone: the number the full evaluation gives, the other set metrics NaN (features stubbed: no data)."""
    import course_lib.metrics.evaluation as evaluation

    g = torch.Generator().manual_seed(1)
    real = type("Real", (), {"features": torch.randn(200, 8, generator=g), "labels": torch.arange(200) % 10})()
    extractor = type("Extractor", (), {"weights_sha256": "0" * 64})()
    monkeypatch.setattr(evaluation, "make_extractor", lambda path, device: extractor)
    monkeypatch.setattr(evaluation, "real_features", lambda *args: real)
    monkeypatch.setattr(evaluation, "full_split_radii", lambda *args: None)
    fake = torch.randn(200, 8, generator=g) + 0.2, torch.randn(200, 10, generator=g)
    monkeypatch.setattr(evaluation, "extract", lambda images, *args, **kwargs: fake)
    images = torch.rand(200, 1, 28, 28) * 2 - 1
    everything = evaluate_generator(images, EvaluationConfig(progress=False, kid_subsets=5))
    only_fid = evaluate_generator(images, EvaluationConfig(progress=False, metrics=("fid",)))
    assert only_fid.fid == everything.fid == fid_torch_fidelity(fake[0], real.features)
    assert all(math.isnan(getattr(only_fid, key)) for key in ("kid_mean", "is_mean", "precision", "recall"))
    assert not math.isnan(everything.kid_mean) and everything.kid_subset_size == 200
    with pytest.raises(ValueError, match="memorisation compares samples with the training images"):
        evaluate_generator(images, EvaluationConfig(progress=False, metrics=("fid", "memorisation")))
    with pytest.raises(ValueError, match="unknown metric 'lpips'"):
        evaluate_generator(images, EvaluationConfig(progress=False, metrics=("lpips",)))
