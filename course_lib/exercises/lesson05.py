"""Self-checks for lesson 05 (the editing U-Net): a decoder step with its skip connection, and PSNR.

- ``check_skip_connection(fn)``: ``fn(feat, skip, up, decode)`` is one decoder level of the U-Net:
  upsample the features from the level below, concatenate the encoder's features saved at this level
  (the skip connection) on the channel axis, and mix them with ``decode``. It is compared with
  ``decode(torch.cat([up(feat), skip], dim=1))`` using the real layers of a small seeded ``UNet``.
- ``check_psnr(fn)``: ``fn(x, y)`` for images (N, C, H, W) on the [0, 1] scale returns one PSNR per image,
  (N,) in dB, compared with ``course_lib.editing.scores.psnr``.
"""

from __future__ import annotations

import math

import torch

from ..editing.scores import psnr
from ..models.unet import UNet, UNetConfig
from .checks import CheckResult, Hint, NoiseRule, check_function, check_measured, check_prediction, exercise


def decoder_step(feat: torch.Tensor, skip: torch.Tensor, up, decode) -> torch.Tensor:
    """Reference: feat (N, 2c, s/2, s/2), skip (N, c, s, s) -> decode(cat[up(feat), skip]) (N, c, s, s)."""
    return decode(torch.cat([up(feat), skip], dim=1))


class Layer:
    """A U-Net layer passed to the learner: called like the module, shown by a short description."""

    def __init__(self, module, text: str):
        self.module, self.text = module, text

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.module(x)

    def __repr__(self) -> str:
        return self.text


def _skip_cases() -> list[tuple]:
    torch.manual_seed(5)
    unet = UNet(UNetConfig(width=8, depth=2, groups=4))
    g = torch.Generator().manual_seed(5)
    cases = []
    for level, n, size in ((1, 2, 14), (0, 3, 28), (0, 1, 32), (1, 2, 16)):
        c = 8 * 2 ** level  # channels at this level; the level below has twice as many
        feat = torch.randn(n, 2 * c, size // 2, size // 2, generator=g)
        skip = torch.randn(n, c, size, size, generator=g)
        up = Layer(unet.ups[level], f"up: upsample x2 + conv, {2 * c} -> {c} channels")
        decode = Layer(unet.decoders[level], f"decode: two convs, {2 * c} -> {c} channels")
        cases.append((feat, skip, up, decode))
    return cases


def _swapped(args) -> torch.Tensor:
    feat, skip, up, decode = args
    return decode(torch.cat([skip, up(feat)], dim=1))


def _added(args) -> torch.Tensor:
    feat, skip, up, decode = args
    return up(feat) + skip


SKIP_HINTS = (
    Hint(lambda got, exp, args: torch.allclose(got, _swapped(args), atol=1e-5),
         "You put the skip first. Concatenate the upsampled features first, then the skip: "
         "torch.cat([up(feat), skip], dim=1); decode's weights were made for that order (see UNet.forward)."),
    Hint(lambda got, exp, args: torch.allclose(got, _added(args), atol=1e-5),
         "You added the skip to the features. A U-Net concatenates them on the channel axis "
         "(torch.cat(..., dim=1)) and lets decode learn how to mix them."),
    Hint(lambda got, exp, args: got.shape[1] == 2 * exp.shape[1],
         "That is the concatenation itself; pass it through decode(...) to get back to c channels."),
)


class SkipError(RuntimeError):
    """A shape mistake in the learner's decoder step, explained."""


def _explained(fn):
    """``fn`` with shape errors turned into a message about what each tensor's shape must be."""

    def run(feat, skip, up, decode):
        try:
            return fn(feat, skip, up, decode)
        except RuntimeError as err:
            if "channels" in str(err) or "Sizes of tensors must match" in str(err):
                first = str(err).splitlines()[0].rstrip(".")
                raise SkipError(f"{first}. Hint: up(feat) is {tuple(up(feat).shape)} and skip is {tuple(skip.shape)}: "
                                f"same size, so torch.cat([up(feat), skip], dim=1) gives the "
                                f"{2 * skip.shape[1]} channels decode expects.") from err
            raise

    return run


@exercise('skip connection',
          "bring the coarse features to the skip's size first, then join the two along the channel axis.")
def check_skip_connection(learner_fn) -> CheckResult:
    """Exercise: ``decoder_step(feat, skip, up, decode)``, one U-Net decoder level with its skip connection."""
    if not callable(learner_fn):
        return check_function("skip connection", learner_fn, decoder_step, [])
    with torch.no_grad():
        return check_function("skip connection", _explained(learner_fn), decoder_step, _skip_cases(),
                              hints=SKIP_HINTS, atol=1e-5, rtol=1e-5)


def reference_psnr(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """PSNR per image in dB, x, y: (N, C, H, W) in [0, 1] -> (N,)."""
    return psnr(x, y, data_range=1.0)


def _psnr_cases() -> list[tuple]:
    g = torch.Generator().manual_seed(6)
    cases = []
    for shape, noise in (((4, 1, 8, 8), 0.05), ((3, 3, 5, 5), 0.2), ((2, 1, 28, 28), 0.01)):
        y = torch.rand(shape, generator=g)
        scale = noise * (1 + torch.arange(shape[0]).float()).view(-1, 1, 1, 1)  # a different error per image
        x = (y + scale * torch.randn(shape, generator=g)).clamp(0, 1)
        cases.append((x, y))
    return cases


def _near(got, value) -> bool:
    return isinstance(got, torch.Tensor) and got.shape == value.shape and \
        torch.allclose(got.double(), value.double(), atol=1e-3, rtol=1e-4)


def _pixels(args) -> int:
    return args[0][0].numel()


PSNR_HINTS = (
    Hint(lambda got, exp, args: got.numel() == 1,
         "Return one PSNR per image, shape (N,): average the squared error over each image's pixels "
         "(x - y).pow(2).flatten(1).mean(1), not over the whole batch."),
    Hint(lambda got, exp, args: _near(got, 2 * exp) or _near(got, exp / 2),
         "The MSE is already a squared error: PSNR = 10 log10(1 / MSE) (or 20 log10(1 / RMSE), not both)."),
    Hint(lambda got, exp, args: _near(got, exp * math.log(10)), "Use log10 (torch.log10), not the natural log."),
    Hint(lambda got, exp, args: _near(got, -exp), "The MSE goes in the denominator: 10 log10(MAX^2 / MSE)."),
    Hint(lambda got, exp, args: _near(got, exp - 10 * math.log10(_pixels(args))),
         "Average the squared error over the pixels (mean), do not sum it."),
    Hint(lambda got, exp, args: _near(got, exp + 20 * math.log10(255)) or _near(got, exp + 20 * math.log10(2)),
         "The images are on the [0, 1] scale, so the peak value MAX is 1 (not 255, not 2)."),
)


@exercise('psnr', 'one mean squared error per image, over all its pixels; then decibels relative to the peak value 1.')
def check_psnr(learner_fn) -> CheckResult:
    """Exercise: ``psnr(x, y)`` per image in dB for x, y (N, C, H, W) in [0, 1]."""
    return check_function("psnr", learner_fn, reference_psnr, _psnr_cases(), hints=PSNR_HINTS,
                          atol=1e-3, rtol=1e-4)


# sharpness of the L1 optimum minus that of the L2 optimum: "L2" blurs more above 0; band: the measured spread
BLUR_RULE = NoiseRule("the L1 optimum's sharpness minus the L2 optimum's", (0.0,), band=0.05)


def blur_effect(seed: int = 0) -> float:
    """Sharpness of the L1 optimum minus that of the L2 optimum (``blur_of_optima``): positive when L2 blurs more."""
    values = blur_of_optima(seed)
    return values["L1"] - values["L2"]


def blur_of_optima(seed: int = 0) -> dict[str, float]:
    """Sharpness of the L2 and L1 optima for a hole with three plausible fills: two of a striped pattern, one of
    the same stripes shifted by one pixel. The photo's answer is one of them; which loss blurs?"""
    from ..editing.ambiguity import loss_optima, sharpness

    g = torch.Generator().manual_seed(seed)
    rows = torch.arange(8).view(8, 1).expand(8, 8)
    a = torch.where(rows % 2 == 0, 1.0, -1.0).view(1, 1, 8, 8)  # horizontal stripes
    b = -a  # the same stripes, one pixel lower
    answers = torch.cat([a, a, b]) + 0.01 * torch.randn(3, 1, 8, 8, generator=g)
    optima = loss_optima(answers)
    return {"L2": sharpness(optima["L2: mean"]).item(), "L1": sharpness(optima["L1: median"]).item(),
            "one answer": sharpness(answers[:1]).item()}


def check_blur_prediction(prediction) -> CheckResult:
    """Predict-then-run: which loss's best single prediction is blurrier, 'L2' or 'L1'?"""
    if prediction is Ellipsis:
        return check_prediction("blur prediction", prediction, ("L2", "L1"), None, "")
    values = blur_of_optima()
    return check_measured("blur prediction", prediction, ("L1", "L2"), BLUR_RULE, values["L1"] - values["L2"],
                          f"Sharpness (mean neighbour difference): one plausible answer {values['one answer']:.2f}, "
                          f"the L1 optimum {values['L1']:.2f}, the L2 optimum {values['L2']:.2f}. L2's optimum is "
                          "the per-pixel mean, a blend of both patterns; L1's is the per-pixel median, which here "
                          "is the majority pattern.", choices=("L2", "L1"))
