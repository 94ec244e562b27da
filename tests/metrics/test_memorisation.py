"""course_lib.metrics.memorisation: copies are flagged, new images are not, and a threshold can be reused."""

import torch
from tiny_gan import tiny_images

from course_lib.data import to_float
from course_lib.metrics.memorisation import copy_threshold, memorisation


def test_memorisation_flags_copies_and_not_new_images():
    train = to_float(tiny_images(10, seed=3))
    held_out = to_float(tiny_images(40, seed=4))
    copies = memorisation(train[torch.arange(20) % 10], train, held_out)
    assert copies.share == 1.0 and copies.distances.max() == 0 and torch.equal(copies.indices, torch.arange(20) % 10)
    reused = memorisation(train[:4], train, held_out, threshold=copies.threshold)
    assert reused.share == 1.0 and reused.threshold == copies.threshold == copy_threshold(train, held_out)
    new = memorisation(to_float(tiny_images(200, seed=5)), train, held_out)
    assert new.share < 0.2 and new.threshold > 0 and new.quantile == 0.05
