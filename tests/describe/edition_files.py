"""A small constructed colour edition for the describe tests: rectangles of known colour, width and tone."""

import torch

from course_lib.describe.attributes import fit_thresholds, measure
from course_lib.describe.catalog import Edition
from course_lib.describe.colour import assign_colours, tint


def constructed_edition(n: int = 240, seed: int = 0) -> Edition:
    """n products in 2 categories (tall vs short rectangles), random width and brightness, balanced colours."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 2
    grey = torch.zeros(n, 28, 28, dtype=torch.uint8)
    for i in range(n):
        width = int(torch.randint(4, 24, (1,), generator=g))
        top = 4 if labels[i] == 0 else 12
        grey[i, top:24, 14 - width // 2:14 - width // 2 + width] = int(torch.randint(90, 256, (1,), generator=g))
    images = tint(grey, assign_colours(labels, seed=seed))
    return Edition(images, labels, measure(images, labels, fit_thresholds(images, labels, num_classes=2)))
