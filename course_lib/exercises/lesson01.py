"""Self-checks for lesson 01 (data and augmentation): scaling to [-1, 1], translation, cutout.

Each ``check_*`` runs the learner's function and the reference on fixed seeded inputs and returns a
``CheckResult`` that shows ``PASS ...`` or ``FAIL ...`` with a hint for the usual mistakes.
"""

from __future__ import annotations

import torch

from ..data import augment, to_float
from .checks import (
    CheckResult,
    Hint,
    NoiseRule,
    check_function,
    check_measured,
    check_prediction,
    exercise,
    hint_on_error,
)


def _same(got, tensor) -> bool:
    return isinstance(got, torch.Tensor) and got.shape == tensor.shape and torch.allclose(
        got.detach().float(), tensor.float(), atol=1e-5)


def _images(seed: int, n: int = 3, h: int = 8, w: int = 8) -> torch.Tensor:
    """Seeded float images (n, 1, h, w) in [-1, 1] with no -1 or 0 pixels (so every fill is visible)."""
    g = torch.Generator().manual_seed(seed)
    return torch.rand(n, 1, h, w, generator=g) * 0.9 + 0.05


def reference_to_signed(images: torch.Tensor) -> torch.Tensor:
    """uint8 (N, 28, 28) in [0, 255] -> float32 (N, 1, 28, 28) in [-1, 1]."""
    return to_float(images, 28)


@exercise('to_signed', 'two affine steps take [0, 255] to [-1, 1]; the result needs a channel axis and a float dtype.')
def check_to_signed(learner_fn) -> CheckResult:
    """Exercise 1: ``to_signed(images)`` maps uint8 (N, 28, 28) to float (N, 1, 28, 28) with 0 -> -1, 255 -> 1."""
    g = torch.Generator().manual_seed(1)
    edge = torch.zeros(2, 28, 28, dtype=torch.uint8)
    edge[1] = 255
    cases = [(torch.randint(0, 256, (4, 28, 28), generator=g, dtype=torch.uint8),), (edge,)]
    hints = (
        Hint(lambda got, exp, args: isinstance(got, torch.Tensor) and not got.is_floating_point(),
             "Convert to float before dividing (`images.float()`): integer tensors cannot hold -0.5."),
        Hint(lambda got, exp, args: got.shape == args[0].shape,
             "Add the channel dimension: (N, 28, 28) -> (N, 1, 28, 28) with `.unsqueeze(1)`."),
        Hint(lambda got, exp, args: _same(got, args[0].float().unsqueeze(1) / 255),
             "Your values are in [0, 1]: map 0 -> -1 and 255 -> 1 with `x / 127.5 - 1`."),
        Hint(lambda got, exp, args: _same(got, -exp),
             "Your image is inverted: pixel 0 (the black background) must become -1."),
        Hint(lambda got, exp, args: _same(got, args[0].float().unsqueeze(1) / 128 - 1),
             "255 must land exactly on 1: divide by 127.5, not 128."),
        Hint(lambda got, exp, args: got.dtype == torch.float64,
             "float64 doubles the memory of every batch and is slower: the models train in float32 (`.float()`)."),
    )
    return check_function("to_signed", learner_fn, reference_to_signed, cases, hints=hints, exact_dtype=True)


def reference_translate(x: torch.Tensor, dx: int, dy: int) -> torch.Tensor:
    """Shift (N, C, H, W) content dx px right and dy px down; uncovered pixels become background -1."""
    return augment.translate(x, dx, dy, fill=-1.0)


@exercise('translate', 'a shift leaves a strip uncovered on one side; fill it with the background, and keep the shape.')
def check_translate(learner_fn) -> CheckResult:
    """Exercise 2: ``translate(x, dx, dy)`` with integer shifts and background fill -1."""
    x, wide = _images(2), _images(4, h=6, w=10)  # a wide image catches a height/width mix-up
    cases = [(x, 2, 1), (x, -3, 0), (x, 0, 2), (x, 1, -2), (x, 0, 0), (x, 9, 0), (x, -9, 0), (wide, 7, 1),
             (wide, -2, -5)]
    hints = (
        Hint(lambda got, exp, args: _same(got, augment.translate(args[0], -args[1], -args[2])),
             "Your shift goes the opposite way: positive dx moves the content to the RIGHT "
             "(output column j shows input column j - dx), positive dy moves it DOWN."),
        Hint(lambda got, exp, args: _same(got, augment.translate(args[0], args[2], args[1])),
             "You swapped the axes: dx moves along the width (last dimension), dy along the height."),
        Hint(lambda got, exp, args: _same(got, augment.translate(args[0], args[1], args[2], fill=0.0)),
             "You filled with 0 instead of the background -1 (0 is mid-grey on the [-1, 1] scale)."),
        Hint(lambda got, exp, args: _same(got, torch.roll(args[0], (args[2], args[1]), (2, 3))),
             "torch.roll wraps pixels around to the other side; uncovered pixels must become -1."),
        Hint(lambda got, exp, args: _edge_shift(args) == BIG_SHIFT, BIG_SHIFT),
        Hint(lambda got, exp, args: _edge_shift(args) == ZERO_SHIFT, ZERO_SHIFT),
    )
    learner_fn = hint_on_error(learner_fn, _edge_shift)
    return check_function("translate", learner_fn, reference_translate, cases, hints=hints, pure=True)


BIG_SHIFT = "A shift as large as the image must leave nothing but background -1."
ZERO_SHIFT = "A zero shift breaks `a[:-0]` (it is empty in Python): slice with `a[:W - dx]` instead."


def _edge_shift(args) -> str | None:
    """The hint for the two shifts that break slicing code: zero, and at least the image size."""
    x, dx, dy = args
    if max(abs(dx), abs(dy)) >= min(x.shape[-2:]):
        return BIG_SHIFT
    if dx == 0 or dy == 0:
        return ZERO_SHIFT
    return None


def reference_cutout(x: torch.Tensor, top: int, left: int, size: int) -> torch.Tensor:
    """Fill the size x size square at (top, left) of every image with -1, clipped at the image border."""
    return augment.cutout(x, top, left, size, fill=-1.0)


@exercise('cutout',
          'the square may hang over an edge: keep only the part inside the image, and leave the input '
          'unchanged.')
def check_cutout(learner_fn) -> CheckResult:
    """Exercise 3: ``cutout(x, top, left, size)`` blanks a square to -1, clipped at the border."""
    x = _images(3)
    cases = [(x, 2, 3, 3), (x, 5, 1, 2), (x, 6, 5, 4), (x, -1, 2, 3), (x, 2, -2, 4), (x, 0, 0, 0)]
    hints = (
        Hint(lambda got, exp, args: _same(got, augment.cutout(*args, fill=0.0)),
             "You filled with 0 instead of the background -1."),
        Hint(lambda got, exp, args: _same(got, augment.cutout(args[0], args[2], args[1], args[3])),
             "You swapped top and left: top counts rows (dimension 2), left counts columns (dimension 3)."),
        Hint(lambda got, exp, args: any(_same(got, augment.cutout(*args[:3], args[3] + d)) for d in (-1, 1)),
             "Your square is off by one: it covers rows top .. top + size - 1 (a slice `top:top + size`)."),
        Hint(lambda got, exp, args: min(args[1], args[2]) < 0,
             "A negative top or left counts from the end in Python slicing: clip it first with max(top, 0)."),
        Hint(lambda got, exp, args: _same(got, args[0]) and args[3] > 0 and min(args[1], args[2]) >= 0,
             "Nothing changed: did you write into a copy and return the original?"),
    )
    return check_function("cutout", learner_fn, reference_cutout, cases, hints=hints, pure=True)


# "yes" above 0.6 (chance is 0.5); the band is the measured spread (docs/exercise_noise.md)
LEAK_RULE = NoiseRule("the probe's held-out accuracy", (0.6,), band=0.05)


def leak_probe_accuracy(num_images: int = 400, num_steps: int = 60, seed: int = 0, precision: str = "fp32") -> float:
    """Test accuracy of a probe telling translated real images (DiffAugment translation) from clean ones.

    The real images are the first ``num_images`` Fashion-MNIST train images (half to train, half to test).
    """
    from ..data import load_fashion_mnist, to_float
    from ..data.augment import DiffAugment
    from ..metrics.leak_probe import fit_probe

    real = to_float(load_fashion_mnist().train_images[:num_images])
    augmented = DiffAugment("translation", seed=seed)(real).detach()
    half = num_images // 2
    _, test_accuracy = fit_probe(augmented[:half], real[half:], augmented[half:], real[:half],
                                 num_steps=num_steps, seed=seed, precision=precision)
    return test_accuracy


def check_leak_prediction(prediction) -> CheckResult:
    """Predict-then-run: can a small probe tell translated real images from clean ones ('yes' or 'no')?"""
    if prediction is Ellipsis:
        return check_prediction("leak prediction", prediction, ("yes", "no"), None, "")
    accuracy = leak_probe_accuracy()
    return check_measured("leak prediction", prediction, ("no", "yes"), LEAK_RULE, accuracy,
                          f"The probe's accuracy on held-out images was {accuracy:.2f} (chance 0.5): a discriminator "
                          "that sees augmented reals and clean fakes learns the augmentation as a sign of "
                          "'real', and the generator is pushed to draw shifted products.", choices=("yes", "no"))
