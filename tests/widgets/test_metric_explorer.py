"""course_lib.widgets.metric_explorer: every metric draws, values and n/a are shown, bad input is refused."""

import math

import pytest
import torch

from course_lib.metrics.result import Evaluation
from course_lib.widgets.metric_explorer import METRICS, metric_explorer


def fake_evaluation(fid: float, conditional: bool = False) -> Evaluation:
    """An Evaluation with given FID (the panel only displays numbers; these are not measured)."""
    per_class = tuple(fid * (1 + c / 10) for c in range(9)) + (math.nan,)
    return Evaluation(fid=fid, kid_mean=fid / 100, kid_std=0.001, is_mean=8.0, is_std=0.1, precision=0.7, recall=0.5,
                      per_class_fid=per_class, per_class_count=(10,) * 10, per_class_by="predicted class",
                      gan_test_accuracy=0.8 if conditional else None, gan_train_accuracy=0.7 if conditional else None,
                      fid_inception=None, num_generated=100, num_real=100, kid_subset_size=100,
                      extractor_sha256="0" * 64, seconds=1.0)


@pytest.fixture
def panel():
    results = {"dcgan": fake_evaluation(20.0), "cgan": fake_evaluation(30.0, conditional=True)}
    samples = {name: torch.rand(40, 1, 28, 28) * 2 - 1 for name in results}
    calibration = {"real floor": fake_evaluation(0.5), "one class": fake_evaluation(90.0)}
    return metric_explorer(results, samples, calibration)


def test_update_draws_the_value_and_the_comparison(panel):
    panel.update()
    assert panel.picture.value[:4] == b"\x89PNG"
    assert "FID = <b>20.000</b> (lower is better)" in panel.text.value and "misses:" in panel.text.value
    names, values, colours = panel.bars()
    assert names == ["real floor", "one class", "dcgan", "cgan"] and values == [0.5, 90.0, 20.0, 30.0]
    assert colours[2] == "tab:red" and colours[3] == "tab:blue"  # the selected model stands out


def test_every_metric_redraws(panel):
    panel.model.value = "cgan"  # the conditional model has every metric
    for key in list(METRICS)[1:]:
        before = panel.picture.value
        panel.metric.value = key  # the observer redraws
        assert panel.picture.value != before, key
    panel.model.value = "dcgan"
    panel.metric.value = "gan_test"
    assert "n/a" in panel.text.value and panel.bars()[0] == ["cgan"]
    panel.metric.value = "per_class_fid"
    assert "worst class Bag (36.00)" in panel.text.value  # the NaN class is skipped


def test_bad_input():
    with pytest.raises(ValueError, match="same model names"):
        metric_explorer({"a": fake_evaluation(1.0)}, {"b": torch.zeros(1, 1, 28, 28)}, {})
    with pytest.raises(ValueError, match="unknown metric 'lpips'"):
        metric_explorer({"a": fake_evaluation(1.0)}, {"a": torch.zeros(1, 1, 28, 28)}, {}, metric="lpips")
