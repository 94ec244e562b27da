"""course_lib.text2img.catalog: the edition's container, the thresholds' file form, the real splits."""

import pytest
import torch

from course_lib.text2img.attributes import VALUES
from course_lib.text2img.catalog import edition, thresholds_dict, thresholds_from, tinted_split
from text2img.edition_files import constructed_edition


def test_subset_and_floats():
    data = constructed_edition(20)
    part = data.subset(slice(0, 5))
    assert len(part) == 5 and set(part.attributes) == set(VALUES)
    x = part.floats()
    assert x.shape == (5, 3, 28, 28) and x.min() >= -1 and x.max() == 1.0  # white background is +1


def test_thresholds_round_trip_and_errors():
    from course_lib.text2img.attributes import Thresholds

    th = Thresholds(torch.rand(10, 2), torch.rand(10, 2), torch.rand(10, 1))
    again = thresholds_from(thresholds_dict(th))
    assert all(torch.equal(getattr(th, k), getattr(again, k)) for k in ("tone", "width", "pattern"))
    with pytest.raises(ValueError, match="tone, width and pattern"):
        thresholds_from({"tone": th.tone})
    with pytest.raises(ValueError, match="'train' or 'test'"):
        tinted_split("validation")


def test_the_real_test_split_is_measured_with_given_thresholds():
    data = constructed_edition(20)
    from course_lib.text2img.attributes import fit_thresholds

    images, labels = tinted_split("test")
    th = fit_thresholds(images[:2000], labels[:2000])
    part = edition("test", th, count=300)
    assert part.images.shape == (300, 3, 28, 28) and torch.equal(part.labels, labels[:300])
    assert set(part.attributes) == set(data.attributes)
    assert torch.bincount(part.attributes["colour"], minlength=8).min() > 20  # balanced colours survive
