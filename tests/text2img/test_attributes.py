"""course_lib.text2img.attributes: each measurement on constructed images, balanced thresholds per category."""

import torch

from course_lib.text2img.attributes import VALUES, describe_attributes, fit_thresholds, measure, raw_scores
from course_lib.text2img.colour import COLOURS, tint


def product(width=10, brightness=255, stripes=False, colour="blue"):
    """One constructed product: a rectangle of ``width`` columns, optionally striped, tinted."""
    grey = torch.zeros(1, 28, 28, dtype=torch.uint8)
    left = 14 - width // 2
    grey[0, 4:24, left:left + width] = brightness
    if stripes:
        grey[0, 4:24:2, left:left + width] = brightness // 4
    return tint(grey, torch.tensor([COLOURS.index(colour)]))


def test_each_measurement_on_constructed_images():
    narrow, wide = raw_scores(product(width=6)), raw_scores(product(width=20))
    assert wide["width"] > narrow["width"]
    deep, pale = raw_scores(product(brightness=255)), raw_scores(product(brightness=90))
    assert pale["tone"] > deep["tone"]  # lightness: thinly inked is light
    plain, striped = raw_scores(product()), raw_scores(product(stripes=True))
    assert striped["pattern"] > 2 * plain["pattern"]
    same_in_red = raw_scores(product(width=6, colour="red"))
    torch.testing.assert_close(same_in_red["width"], narrow["width"])  # width does not depend on the colour


def test_thresholds_split_each_category_into_common_values():
    images = torch.cat([product(width=w, brightness=b) for w in (6, 10, 14, 18, 22, 26) for b in (120, 190, 255)])
    labels = torch.zeros(len(images), dtype=torch.long)
    thresholds = fit_thresholds(images, labels, num_classes=1)
    found = measure(images, labels, thresholds)
    assert set(found) == set(VALUES)
    assert torch.bincount(found["width"], minlength=3).tolist() == [6, 6, 6]
    assert torch.bincount(found["tone"], minlength=3).tolist() == [6, 6, 6]
    assert (found["colour"] == COLOURS.index("blue")).all()
    assert describe_attributes(found, 0).startswith("blue, ")
    assert describe_attributes(found, 0, chinese=True).startswith("蓝色")
