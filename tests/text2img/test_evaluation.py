"""course_lib.text2img.evaluation: every field on a tiny model, with real-split thresholds."""

import math

import pytest
import torch

from course_lib.categories import CLASS_NAMES
from course_lib.data import to_float
from course_lib.metrics.features import extract
from course_lib.text2img.attributes import VALUES, fit_thresholds
from course_lib.text2img.catalog import edition, tinted_split
from course_lib.text2img.colour import COLOURS, luminance_view
from course_lib.text2img.evaluation import by_group, evaluate_text2img
from course_lib.text2img.text_gan import generate
from text2img.edition_files import tiny_model


@pytest.fixture(scope="module")
def model():
    """The tiny text2img model with thresholds of the real test split (shared: training it takes seconds)."""
    trained, _ = tiny_model()
    images, labels = tinted_split("test")
    trained.thresholds = fit_thresholds(images[:3000], labels[:3000])
    return trained


def test_every_field_is_reported(model):
    result = evaluate_text2img(model, n=200, train=None)
    for field in ("retrieval_recall_at_1", "retrieval_recall_at_5"):
        assert set(result[field]) == {"seen_en", "seen_zh", "held_out_en", "held_out_zh"}
    assert set(result["attribute_accuracy"]) == set(VALUES) == set(result["attribute_chance"])
    assert 0 <= result["category_accuracy"] <= 1 and result["category_accuracy_real"] > 0.8
    assert set(result["tagger_on_real"]) == {"category", *VALUES} and math.isfinite(result["fid_course"])
    assert result["fid_course"] > 0 and result["n"] == 200 and "prompt_diversity" in result
    by_category, by_colour = result["category_accuracy_by_category"], result["category_accuracy_by_colour"]
    assert set(by_category) <= set(CLASS_NAMES) and set(by_colour) <= set(COLOURS)
    assert sum(row["n"] for row in by_category.values()) == sum(row["n"] for row in by_colour.values()) == 200
    # the shares over the groups, weighted by their sizes, give back the overall accuracies
    for rows in (by_category, by_colour):
        real = sum(row["real"] * row["n"] for row in rows.values()) / 200
        generated = sum(row["generated"] * row["n"] for row in rows.values()) / 200
        assert abs(real - result["category_accuracy_real"]) < 1e-3
        assert abs(generated - result["category_accuracy"]) < 1e-3


def test_by_group_is_each_group_s_share_and_its_ratio_to_the_real_one():
    fake = torch.tensor([True, False, True, True, False, False])
    real = torch.tensor([True, True, True, False, True, False])
    groups = torch.tensor([0, 0, 1, 1, 2, 2])
    rows = by_group(fake, real, groups, ("coat", "bag", "boot", "unused"))
    assert rows["coat"] == {"generated": 0.5, "real": 1.0, "ratio": 0.5, "n": 2}
    assert rows["bag"] == {"generated": 1.0, "real": 0.5, "ratio": 2.0, "n": 2}
    assert rows["boot"] == {"generated": 0.0, "real": 0.5, "ratio": 0.0, "n": 2}
    assert "unused" not in rows  # a group without images is left out
    assert by_group(fake[:1], ~real[:1], groups[:1], ("coat",))["coat"]["ratio"] is None  # no real hit: no ratio


def test_prompt_diversity_is_0_for_a_generator_that_ignores_z(model, monkeypatch):
    from course_lib.metrics.features import make_extractor
    from course_lib.text2img import evaluation

    test = edition("test", model.thresholds, 400)
    extractor = make_extractor(device="cpu")
    real_features, _ = extract(to_float(luminance_view(test.images)), extractor, progress=False)
    tiny = evaluation.prompt_diversity(model, test, real_features, extractor, seed=0, samples=8, minimum=4)
    assert tiny["prompts"] > 0 and set(tiny["by_category"]) <= set(CLASS_NAMES) and tiny["max"] > 0

    def copies_of_one(generator, e, seed=0):  # the same image for every z
        return generate(generator, e[:1], seed=seed).expand(len(e), -1, -1, -1)

    monkeypatch.setattr(evaluation, "generate", copies_of_one)
    assert evaluation.prompt_diversity(model, test, real_features, extractor, seed=0, samples=8, minimum=4)[
        "max"] == 0.0
    none = evaluation.prompt_diversity(model, test, real_features, extractor, seed=0, samples=8, minimum=10_000)
    assert none == {"mean": None, "min": None, "max": None, "prompts": 0, "by_category": {}}
