"""What must hold before a listing is published; each check gives its number, its threshold and its verdict.

- ``category``: the course classifier (a different network from the tagger, trained on the grey catalog) reads
  the product's grey view as the category the listing states, with probability at least ``MIN_CONFIDENCE``.
- ``attributes``: every attribute the request asked for is read as asked by the tagger (a listing that says
  "wide" must show a wide product).
- ``not_a_copy``: the product is no nearer (pixel distance, grey view) to a training image than
  ``COPY_QUANTILE`` of new real photos are (``metrics.memorisation.copy_threshold`` on held-out test images,
  the measure lesson 08 uses), so a listing is never a near-copy of a catalog photo.

A candidate that fails a check is shown with the reason and is not exported unless forced.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import torch

from ..data import load_fashion_mnist, to_float
from ..metrics.memorisation import copy_threshold
from ..metrics.nearest import nearest_neighbours
from ..models.classifier import load_classifier
from ..runtime import eval_mode
from ..text2img.colour import luminance_view
from .ranking import Reading
from .request import value_word

MIN_CONFIDENCE = 0.5
COPY_QUANTILE = 0.05
HELD_OUT = 500  # test images that set the copy threshold


@dataclass(frozen=True)
class Check:
    """name, passed, value (the measured number), threshold, why (one sentence)."""

    name: str
    passed: bool
    value: float
    threshold: float
    why: str

    def as_dict(self) -> dict:
        return {"name": self.name, "passed": self.passed, "value": round(self.value, 4),
                "threshold": round(self.threshold, 4), "why": self.why}


def grey_view(images: torch.Tensor) -> torch.Tensor:
    """Colour products on white (N, 3, 28, 28) in [-1, 1] -> the catalog's grey view (N, 1, 28, 28) in [-1, 1]."""
    as_uint8 = images.add(1).mul(127.5).round().clamp(0, 255).to(torch.uint8)
    return to_float(luminance_view(as_uint8)).reshape(-1, 1, 28, 28)


def stretched(grey: torch.Tensor) -> torch.Tensor:
    """Grey catalog images (N, 28, 28) uint8 with each image's brightest pixel made 255: what ``luminance_view``
    gives for the colour edition's images (one grey value apart at most, measured on the training split)."""
    peak = grey.flatten(1).max(dim=1).values.clamp(min=1).float()
    return (grey.float() * 255.0 / peak[:, None, None]).round().clamp(0, 255).to(torch.uint8)


@lru_cache(maxsize=1)
def copy_reference() -> tuple[torch.Tensor, float]:
    """(the training catalog's grey views (60000, 1, 28, 28) in [-1, 1], the copy threshold), built once."""
    data = load_fashion_mnist()
    reference = to_float(stretched(data.train_images))
    held_out = to_float(stretched(data.test_images[:HELD_OUT]))
    return reference, copy_threshold(reference, held_out, COPY_QUANTILE)


def category_check(probabilities: torch.Tensor, category: int) -> Check:
    """The classifier's probability (10,) of ``category``, against ``MIN_CONFIDENCE``."""
    p, top = float(probabilities[category]), int(probabilities.argmax())
    passed = p >= MIN_CONFIDENCE
    why = (f"the course classifier reads it as {value_word('category', category)} ({p:.0%})" if passed else
           f"the course classifier gives {value_word('category', category)} only {p:.0%} (it reads "
           f"{value_word('category', top)}, {float(probabilities[top]):.0%})")
    return Check("category", passed, p, MIN_CONFIDENCE, why)


def attribute_check(reading: Reading) -> Check:
    """Every asked attribute read as asked."""
    wrong = [name for name, ok in reading.agree.items() if not ok]
    share = 1.0 - len(wrong) / max(1, len(reading.agree))
    why = "every attribute asked for is read as asked" if not wrong else \
        "read otherwise: " + ", ".join(f"{name} as {value_word(name, reading.read[name])}" for name in wrong)
    return Check("attributes", not wrong, share, 1.0, why)


def copy_check(distance: float, threshold: float) -> Check:
    """The distance to the nearest training image, against the held-out photos' quantile."""
    passed = distance >= threshold
    why = (f"its nearest training image is {distance:.2f} away; new real photos are at least {threshold:.2f} "
           f"away in {1 - COPY_QUANTILE:.0%} of cases" if passed else
           f"it is {distance:.2f} from a training image, nearer than {1 - COPY_QUANTILE:.0%} of new real photos "
           f"({threshold:.2f}): a likely copy")
    return Check("not_a_copy", passed, distance, threshold, why)


@lru_cache(maxsize=1)
def classifier():
    """The course classifier (the shipped weights, checksummed), loaded once per process."""
    return load_classifier()


def classifier_probabilities(grey: torch.Tensor) -> torch.Tensor:
    """Softmax (N, 10) of the course classifier on grey views (N, 1, 28, 28) in [-1, 1]."""
    network = classifier()
    with eval_mode(network), torch.no_grad():
        return network(grey.to(next(network.parameters()).device)).softmax(1).cpu()


def run_checks(images: torch.Tensor, readings: list[Reading], category: int | None = None) -> list[list[Check]]:
    """The checks of each reading's candidate (images (N, 3, 28, 28) in [-1, 1], in the draw's order); the
    category check uses ``category`` (the request's) or, for a photo, the category the listing states."""
    grey = grey_view(images)
    probabilities = classifier_probabilities(grey)
    reference, threshold = copy_reference()
    distances, _ = nearest_neighbours(grey, reference)
    out = []
    for reading in readings:
        stated = reading.read["category"] if category is None else category
        out.append([category_check(probabilities[reading.index], stated), attribute_check(reading),
                    copy_check(float(distances[reading.index]), threshold)])
    return out
