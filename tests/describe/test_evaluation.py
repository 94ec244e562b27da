"""course_lib.describe.evaluation: every field on a tiny model, with real-split thresholds."""

import math

from course_lib.describe.attributes import VALUES, fit_thresholds
from course_lib.describe.catalog import tinted_split
from course_lib.describe.evaluation import evaluate_text2img
from describe.edition_files import tiny_model


def test_every_field_is_reported():
    model, train = tiny_model()
    images, labels = tinted_split("test")
    model.thresholds = fit_thresholds(images[:3000], labels[:3000])
    result = evaluate_text2img(model, n=200, train=None)
    for field in ("retrieval_recall_at_1", "retrieval_recall_at_5"):
        assert set(result[field]) == {"seen_en", "seen_zh", "held_out_en", "held_out_zh"}
    assert set(result["attribute_accuracy"]) == set(VALUES) == set(result["attribute_chance"])
    assert 0 <= result["category_accuracy"] <= 1 and result["category_accuracy_real"] > 0.8
    assert set(result["tagger_on_real"]) == {"category", *VALUES} and math.isfinite(result["fid_course"])
    assert result["fid_course"] > 0 and result["n"] == 200
