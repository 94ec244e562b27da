"""course_lib.listing.checks: each check's verdict at its threshold, and the copy check catches a training image."""

import torch

from course_lib.data import load_fashion_mnist
from course_lib.listing.checks import (
    COPY_QUANTILE,
    MIN_CONFIDENCE,
    attribute_check,
    category_check,
    copy_check,
    copy_reference,
    grey_view,
    run_checks,
    stretched,
)
from course_lib.listing.ranking import Reading
from course_lib.text2img.catalog import tinted_split
from course_lib.text2img.colour import luminance_view


def test_category_check_at_its_threshold():
    p = torch.full((10,), 0.5 / 9)
    p[3] = MIN_CONFIDENCE
    assert category_check(p, 3).passed and "reads it as dress (50%)" in category_check(p, 3).why
    q = torch.tensor([0.0, 0, 0, 0.3, 0, 0, 0.7, 0, 0, 0])
    check = category_check(q, 3)
    assert not check.passed and "gives dress only 30% (it reads shirt, 70%)" in check.why


def test_attribute_and_copy_checks():
    good = Reading(0, {"category": 3, "colour": 0, "tone": 1, "width": 2, "pattern": 0},
                   {"category": True, "width": True}, 0.3, 1.0)
    bad = Reading(0, good.read, {"category": True, "width": True, "tone": False}, 0.3, 0.7)
    assert attribute_check(good).passed and not attribute_check(bad).passed
    assert "tone as medium" in attribute_check(bad).why
    assert copy_check(5.0, 4.0).passed and not copy_check(3.0, 4.0).passed
    assert "a likely copy" in copy_check(3.0, 4.0).why and COPY_QUANTILE == 0.05


def test_the_stretched_grey_catalog_is_the_colour_editions_grey_view():
    """checks.stretched stands in for luminance_view of the tinted training split: one grey value apart at most."""
    tinted, _ = tinted_split("train")
    grey = load_fashion_mnist().train_images
    assert (stretched(grey[:5000]).int() - luminance_view(tinted[:5000]).int()).abs().max() <= 2


def test_training_images_are_caught_as_copies_and_new_photos_mostly_are_not():
    """Training images sit at distance 0; of 100 test images the threshold did not see, about 95% pass (the
    quantile is 5%): at least 85 here."""
    tinted, labels = tinted_split("train")
    test, test_labels = tinted_split("test")
    images = torch.cat([tinted[:3], test[500:600]]).float().div(127.5).sub(1)  # (103, 3, 28, 28)
    categories = torch.cat([labels[:3], test_labels[500:600]])
    readings = [Reading(i, {"category": int(c)}, {}, 0.0, 0.0) for i, c in enumerate(categories)]
    verdicts = [checks[2] for checks in run_checks(images, readings)]
    reference, threshold = copy_reference()
    assert reference.shape == (60000, 1, 28, 28) and threshold > 0
    assert all(not v.passed and v.value < 0.5 for v in verdicts[:3])
    assert sum(v.passed for v in verdicts[3:]) >= 85
    assert grey_view(images).shape == (103, 1, 28, 28)
