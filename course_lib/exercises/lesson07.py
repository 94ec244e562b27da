"""Self-checks for lesson 07 (description -> image): the InfoNCE loss and the matching-aware D loss.

- ``check_info_nce(fn)``: ``fn(logits)`` is CLIP's symmetric InfoNCE of a (N, N) matrix of caption-image
  similarities whose diagonal holds the matching pairs; compared with ``contrastive.info_nce`` (identity
  targets) on random, perfectly separated and constant matrices.
- ``check_matching_aware_loss(fn)``: ``fn(real, mismatched, fake)`` is the discriminator's GAN-CLS loss
  from the logits (N,) of the three kinds of pair; compared with ``text_gan.matching_aware_d_loss``.
- ``check_weakest_attribute_prediction(prediction)``: predict-then-run, read on the whole test split (10,000
  images): on 1,000 the gap between the two weakest attributes was only 2.8 times its sampling spread
  (``docs/exercise_noise.md``).
"""

from __future__ import annotations

import functools

import torch

from ..text2img.contrastive import info_nce
from ..text2img.text_gan import matching_aware_d_loss
from .checks import CheckResult, Hint, NoiseRule, check_function, check_prediction, exercise


def _info_nce_reference(logits: torch.Tensor) -> torch.Tensor:
    return info_nce(logits)


def _one_sided(logits: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.cross_entropy(logits, torch.arange(len(logits)))


def _matrices() -> list[tuple]:
    g = torch.Generator().manual_seed(7)
    return [(torch.randn(6, 6, generator=g) * 3,), (torch.eye(4) * 20,), (torch.zeros(5, 5),),
            (torch.randn(8, 8, generator=g) + torch.randn(8, 1, generator=g),)]


@exercise("InfoNCE loss", "cross-entropy of each row (caption -> which image?) and of each column (image -> "
                              "which caption?) with the diagonal as the right answer; average the two.")
def check_info_nce(fn) -> CheckResult:
    """Compare ``fn(logits)`` with the library's symmetric InfoNCE."""
    hints = [Hint(lambda got, exp, args: torch.allclose(torch.as_tensor(got), _one_sided(*args), atol=1e-5),
                  "only the caption side: add the image side, the same cross-entropy on logits.T, and average."),
             Hint(lambda got, exp, args: torch.allclose(torch.as_tensor(got), 2 * exp, atol=1e-5),
                  "the sum of the two sides: InfoNCE averages them (1/2 each).")]
    return check_function("InfoNCE loss", fn, _info_nce_reference, _matrices(), hints)


def _pairs() -> list[tuple]:
    g = torch.Generator().manual_seed(3)
    return [tuple(torch.randn(6, generator=g) * 2 for _ in range(3)), (torch.full((4,), 5.0), torch.full((4,), -5.0),
                                                                       torch.full((4,), -5.0))]


def _without_half(real, mismatched, fake):
    f = torch.nn.functional.binary_cross_entropy_with_logits
    return f(real, torch.ones_like(real)) + f(mismatched, torch.zeros_like(real)) + f(fake, torch.zeros_like(fake))


def _mismatched_as_real(real, mismatched, fake):
    f = torch.nn.functional.binary_cross_entropy_with_logits
    ones, zeros = torch.ones_like(real), torch.zeros_like(real)
    return f(real, ones) + 0.5 * (f(mismatched, ones) + f(fake, zeros))


@exercise("matching-aware D loss", "BCE(real pairs, 1) + 1/2 [BCE(mismatched pairs, 0) + BCE(generated "
                                       "pairs, 0)]; binary_cross_entropy_with_logits takes the logits directly.")
def check_matching_aware_loss(fn) -> CheckResult:
    """Compare ``fn(real, mismatched, fake)`` with ``text_gan.matching_aware_d_loss``."""
    hints = [Hint(lambda got, exp, args: torch.allclose(torch.as_tensor(got), _without_half(*args), atol=1e-5),
                  "the two 'fake' terms are weighted 1/2 each, so a real image with the wrong words counts as much "
                  "as a generated one, and together they weigh as much as the real pairs."),
             Hint(lambda got, exp, args: torch.allclose(torch.as_tensor(got), _mismatched_as_real(*args), atol=1e-5),
                  "the mismatched pairs are fake: their target is 0, not 1.")]
    return check_function("matching-aware D loss", fn, matching_aware_d_loss, _pairs(), hints)


ATTRIBUTE_CHOICES = ("colour", "tone", "width", "pattern")
# the next-weakest attribute's accuracy minus the weakest's: the weakest is clear above the measured band
WEAKEST_RULE = NoiseRule("the gap between the two weakest attributes' accuracies", (0.0,), band=0.01)


TEST_IMAGES = 10_000  # the whole test split of the colour edition


@functools.lru_cache(maxsize=2)
def attribute_accuracy(n: int = TEST_IMAGES, resample: int = 0) -> dict[str, float]:
    """{attribute: accuracy} of the shipped tagger on the first ``n`` test images of the colour edition. With
    ``resample`` = k > 0, on the k-th bootstrap resample of them (n drawn with replacement, seeded k): how
    ``docs/exercise_noise.md`` measures the spread that comes from which images were drawn. Cached: the
    check is read once per attribute named."""
    from ..text2img.catalog import edition
    from ..text2img.tagger import head_accuracy
    from ..text2img.training import load_or_train_text2img

    model, _ = load_or_train_text2img()
    data = edition("test", model.thresholds, n)
    if resample:
        data = data.subset(torch.randint(len(data), (len(data),), generator=torch.Generator().manual_seed(resample)))
    return head_accuracy(model.tagger, data)


def weakest_attribute_margin(seed: int = 0, n: int = TEST_IMAGES) -> float:
    """The gap between the two lowest accuracies of ``attribute_accuracy``: seed 0 on the test images themselves
    (what the check reads), seed k > 0 on the k-th bootstrap resample of them."""
    accuracy = attribute_accuracy(n, resample=seed)
    low, next_low = sorted(accuracy[k] for k in ATTRIBUTE_CHOICES)[:2]
    return next_low - low


def check_weakest_attribute_prediction(prediction, n: int = TEST_IMAGES) -> CheckResult:
    """Predict-then-run: which attribute does the shipped tagger read least accurately on n real test images?"""
    name = "the tagger's weakest attribute"
    if prediction is Ellipsis or prediction not in ATTRIBUTE_CHOICES:
        return check_prediction(name, prediction, ATTRIBUTE_CHOICES, None, "")
    accuracy = attribute_accuracy(n)
    low, next_low = sorted(accuracy[k] for k in ATTRIBUTE_CHOICES)[:2]
    truth = min(ATTRIBUTE_CHOICES, key=lambda k: accuracy[k])
    measured = ", ".join(f"{k} {accuracy[k]:.3f}" for k in ATTRIBUTE_CHOICES)
    why = (f"Measured on {n:,} test images: {measured}. Colour is a hue far from the others; tone, "
           "width and pattern are continuous scores cut at terciles and medians, so an image near "
           "a cut point is a coin toss for any reader, and width has two cut points inside a "
           "narrow range of spreads.")
    if WEAKEST_RULE.side(next_low - low) is None:
        return WEAKEST_RULE.too_close(name, next_low - low, why)
    return check_prediction(name, prediction, ATTRIBUTE_CHOICES, truth, why)
