"""Self-checks for lesson 10 (a GAN against a flow-matching model): the loss, and a prediction about speed.

- ``check_flow_loss(fn)``: ``fn(velocity, x1, e, t, x0)`` is the flow-matching loss, the mean squared error
  between ``velocity(x_t, t, e, None)`` at x_t = (1 − t)·x0 + t·x1 and the target x1 − x0; compared with
  ``text2img.flow.flow_matching_loss`` on fixed inputs, with hints for the usual slips: the interpolation run
  backwards, t not broadcast over the pixels (one case has as many images as pixels per row, where a bare
  ``t * x1`` broadcasts silently over the wrong axis), the target reversed.
- ``check_few_steps_prediction(answer)``: predict-then-read. Does the flow model with 4 Euler steps beat the
  GAN on FID (the course scale)? The truth is the shipped measurement
  (``course_lib/assets/results/flow_comparison.json``, made by ``data_scripts/flow_comparison.py``), not a
  run in the lesson, so the answer is the same on every CPU, seed and thread count; the check also compares the
  gap with all that more steps buy the flow model.
"""

from __future__ import annotations

import json

import torch

from ..studies.few_shot_report import shipped_runs
from ..text2img.flow import flow_matching_loss
from .checks import CheckResult, Hint, check_function, check_prediction, exercise, hint_on_error

FEW_STEPS = 4
PREDICTION_CHOICES = ("flow", "gan")


def toy_velocity(x: torch.Tensor, t: torch.Tensor, e, drop=None) -> torch.Tensor:
    """A fixed velocity field for the checks: depends on x, t and e, so every slip changes the loss."""
    return 0.5 * x.flip(-1) + t.view(-1, 1, 1, 1) * x.mean() + e.mean(1).view(-1, 1, 1, 1)


def _cases() -> list[tuple]:
    g = torch.Generator().manual_seed(10)
    cases = []
    for n, size in ((3, 5), (4, 4), (6, 2)):  # (4, 4): a bare t * x broadcasts over the last axis without error
        x1 = torch.rand(n, 2, size, size, generator=g) * 2 - 1
        x0 = torch.randn(n, 2, size, size, generator=g)
        cases.append((toy_velocity, x1, torch.randn(n, 5, generator=g), torch.rand(n, generator=g), x0))
    return cases


def _variant(interpolate, target):
    def loss(velocity, x1, e, t, x0):
        return (velocity(interpolate(x0, x1, t), t, e, None) - target(x0, x1)).square().mean()
    return loss


def _close(variant):
    return lambda got, exp, args: abs(float(got) - float(variant(*args))) < 1e-5


def per_image(t: torch.Tensor) -> torch.Tensor:
    """t (N,) as (N, 1, 1, 1)."""
    return t.view(-1, 1, 1, 1)


BACKWARDS = _variant(lambda x0, x1, t: per_image(t) * x0 + (1 - per_image(t)) * x1, lambda x0, x1: x1 - x0)
REVERSED = _variant(lambda x0, x1, t: (1 - per_image(t)) * x0 + per_image(t) * x1, lambda x0, x1: x0 - x1)
BARE_T = _variant(lambda x0, x1, t: (1 - t) * x0 + t * x1, lambda x0, x1: x1 - x0)


def _explain(args) -> str | None:
    return ("hint: t has one value per image, shape (N,); make it (N, 1, 1, 1) with t.view(-1, 1, 1, 1) so it "
            "multiplies every pixel of its own image.")


@exercise("flow-matching loss", "x_t = (1 - t) x0 + t x1 with t viewed as (N, 1, 1, 1); the loss is the mean of "
                                "(velocity(x_t, t, e, None) - (x1 - x0)) squared")
def check_flow_loss(fn) -> CheckResult:
    """Compare ``fn(velocity, x1, e, t, x0)`` with the library's flow-matching loss."""
    hints = [Hint(_close(BACKWARDS), "the interpolation runs backwards: at t = 0 the path must be at the noise x0 "
                                     "and at t = 1 at the image x1, so x_t = (1 - t) x0 + t x1."),
             Hint(_close(REVERSED), "the target is reversed: the path goes from noise to image, so its velocity "
                                    "is x1 - x0."),
             Hint(_close(BARE_T), "t was not broadcast: with as many images as pixels per row, t * x1 multiplies "
                                  "each column by another image's t; use t.view(-1, 1, 1, 1).")]
    return check_function("flow-matching loss", hint_on_error(fn, _explain), flow_matching_loss, _cases(), hints)


def comparison() -> dict:
    """The shipped measurement of ``data_scripts/flow_comparison.py``."""
    return json.loads(shipped_runs("flow_comparison.json").read_text())


def check_few_steps_prediction(answer) -> CheckResult:
    """Does the flow model with 4 Euler steps reach a lower FID than the GAN's one step? 'flow' or 'gan'."""
    result = comparison()
    few = next(row for row in result["steps"] if row["steps"] == FEW_STEPS)
    gan = result["gan"]
    truth = "flow" if few["fid"] < gan["fid"] else "gan"
    best = min(row["fid"] for row in result["steps"])
    why = (f"measured on {result['n']} test prompts: FID {few['fid']:.1f} for the flow model at {FEW_STEPS} steps "
           f"({few['ms']:.1f} ms per image) against {gan['fid']:.1f} for the GAN ({gan['ms']:.2f} ms per image, "
           f"{few['ms'] / gan['ms']:.0f}× faster). The gap, {abs(few['fid'] - gan['fid']):.1f}, is larger than all "
           f"that more steps buy the flow model: its best FID, at any of {len(result['steps'])} step counts up to "
           f"{max(row['steps'] for row in result['steps'])}, is {best:.1f}.")
    return check_prediction("4 flow steps against the GAN", answer, PREDICTION_CHOICES, truth, why)
