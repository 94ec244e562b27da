"""Self-checks for lesson 06 (evaluation): FID from two feature matrices, and KID's unbiased MMD².

``check_fid(fn)`` calls the learner's ``fn(features_1, features_2)`` (float64 tensors (N1, D), (N2, D))
and compares with torch-fidelity's FID formula on the same statistics (which equals
``course_lib.metrics.fid_from_features``, tests/exercises/test_lesson06.py).
``check_kid_mmd(fn)`` calls ``fn(x, y)`` (float64 (m, d) each) and compares with torch-fidelity's
``kernel_mmd``: the unbiased MMD² with the kernel k(a, b) = (a·b / d + 1)³ that one KID subset computes.
Known mistakes are recognised by recomputing them on the same input, and named in the hint.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg
import torch
from torch_fidelity.metric_fid import KEY_METRIC_FID, fid_features_to_statistics, fid_statistics_to_metric
from torch_fidelity.metric_kid import kernel_mmd, mmd2

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


def reference_fid(features_1: torch.Tensor, features_2: torch.Tensor) -> float:
    """torch-fidelity's FID of two feature matrices (N1, D), (N2, D)."""
    stats = [fid_features_to_statistics(f.detach().cpu()) for f in (features_1, features_2)]
    return fid_statistics_to_metric(*stats, verbose=False)[KEY_METRIC_FID]


def reference_mmd(x: torch.Tensor, y: torch.Tensor) -> float:
    """torch-fidelity's unbiased MMD² of x, y (m, d) with the cubic polynomial kernel (one KID subset)."""
    return float(kernel_mmd(x.detach().cpu().numpy(), y.detach().cpu().numpy()))


def _stats(f: torch.Tensor, ddof: int = 1):
    a = f.double().numpy()
    return a.mean(axis=0), np.cov(a, rowvar=False, ddof=ddof)


def _fid_variant(args, ddof=1, trace_factor=2.0, mean_power=2, root="product") -> float:
    """The FID a common mistake gives on ``args`` = (features_1, features_2)."""
    (mu1, s1), (mu2, s2) = _stats(args[0], ddof), _stats(args[1], ddof)
    if root == "product":
        tr = np.trace(scipy.linalg.sqrtm(s1 @ s2)).real
    elif root == "separately":
        tr = np.trace(scipy.linalg.sqrtm(s1) @ scipy.linalg.sqrtm(s2)).real
    else:  # elementwise square root of the product's entries
        tr = np.trace(np.sqrt(np.abs(s1 @ s2)))
    mean_term = 0.0 if mean_power is None else np.linalg.norm(mu1 - mu2) ** mean_power
    return float(mean_term + np.trace(s1) + np.trace(s2) - trace_factor * tr)


def _near(got, value: float) -> bool:
    return abs(float(got) - value) <= 1e-4 * max(1.0, abs(value))


FID_MISTAKES = (
    (dict(ddof=0), "You divided the covariance by N; the sample covariance divides by N - 1 "
                   "(np.cov(f, rowvar=False) or torch.cov(f.T) do)."),
    (dict(trace_factor=1.0), "The cross term is 2 Tr((Σ1 Σ2)^½): you dropped the factor 2."),
    (dict(mean_power=None), "You left out the mean term ||μ1 - μ2||²: FID compares the means too."),
    (dict(mean_power=1), "The mean term is the SQUARED distance ||μ1 - μ2||², not the distance."),
    (dict(root="separately"), "Tr(Σ1^½ Σ2^½) is not Tr((Σ1 Σ2)^½) unless the covariances commute: take the "
                              "matrix square root of the product, scipy.linalg.sqrtm(s1 @ s2)."),
    (dict(root="elementwise"), "np.sqrt / torch.sqrt work entry by entry; FID needs the MATRIX square root "
                               "(scipy.linalg.sqrtm) of Σ1 Σ2."),
)


ROWVAR = ("np.cov treats each ROW as a variable by default, so np.cov(f) of (N, D) features is an (N, N) matrix "
          "over the samples: pass rowvar=False (or use torch.cov(f.T)) so the covariance is (D, D).")


def _rows_as_variables(args) -> float:
    """The FID when np.cov is called without rowvar=False (samples taken as variables); equal N only."""
    f1, f2 = (a.double().numpy() for a in args)
    s1, s2 = np.cov(f1), np.cov(f2)
    tr = np.trace(scipy.linalg.sqrtm(s1 @ s2)).real
    return float(np.linalg.norm(f1.mean(0) - f2.mean(0)) ** 2 + np.trace(s1) + np.trace(s2) - 2 * tr)


def _fid_hints() -> tuple[Hint, ...]:
    hints = [Hint(lambda got, exp, args, kw=kw: _near(got, _fid_variant(args, **kw)), text)
             for kw, text in FID_MISTAKES]
    hints.append(Hint(lambda got, exp, args: args[0].shape[0] == args[1].shape[0]
                      and _near(got, _rows_as_variables(args)), ROWVAR))
    hints.append(Hint(lambda got, exp, args: _near(float(got) ** 2, exp),
                      "FID is the squared Fréchet distance: do not take the square root of the result."))
    return tuple(hints)


def _fid_cases() -> list[tuple]:
    g = torch.Generator().manual_seed(6)
    cases = []
    for n1, n2, d, shift in ((60, 60, 4, 0.5), (80, 50, 6, 1.0), (40, 40, 3, 0.0), (200, 150, 8, 0.2)):
        a1, a2 = (torch.randn(d, d, generator=g, dtype=torch.float64) for _ in range(2))
        f1 = torch.randn(n1, d, generator=g, dtype=torch.float64) @ a1
        f2 = torch.randn(n2, d, generator=g, dtype=torch.float64) @ a2 + shift
        cases.append((f1, f2))
    return cases


def real_valued(fn):
    """``fn`` whose complex results raise (float() of a numpy complex would silently drop the imaginary part)."""

    def run(*args):
        got = fn(*args)
        if np.iscomplexobj(np.asarray(got)):
            raise TypeError(f"the result {got!r} is complex: sqrtm returns complex numbers with tiny imaginary "
                            "parts from round-off; keep the .real part.")
        return got

    return run


@exercise('fid', 'the statistics are a mean vector and a covariance matrix per set, with features as columns.')
def check_fid(learner_fn) -> CheckResult:
    """Exercise: ``fid(features_1, features_2) -> float`` for (N1, D) and (N2, D) feature matrices."""
    if not callable(learner_fn):
        return check_function("fid", learner_fn, reference_fid, [])
    learner_fn = hint_on_error(learner_fn, lambda args: ROWVAR if args[0].shape[0] != args[1].shape[0] else None)
    return check_function("fid", real_valued(learner_fn), reference_fid, _fid_cases(), hints=_fid_hints(),
                          atol=1e-6, rtol=1e-4)


def _mmd_variant(args, degree=3, scale=True, coef0=1.0, estimate="unbiased") -> float:
    """The MMD² a common mistake gives on ``args`` = (x, y)."""
    x, y = (a.double().numpy() for a in args)
    gamma = 1.0 / x.shape[1] if scale else 1.0

    def kernel(a, b):
        return (a @ b.T * gamma + coef0) ** degree

    return float(mmd2(kernel(x, x), kernel(x, y), kernel(y, y), mmd_est=estimate))


MMD_MISTAKES = (
    (dict(estimate="biased"), "You kept the diagonal k(x_i, x_i) in the X-X and Y-Y sums: the unbiased "
                              "estimate sums over i != j and divides by m (m - 1)."),
    (dict(estimate="u-statistic"), "You also dropped the diagonal of the X-Y sum: KID (torch-fidelity) keeps "
                                   "every cross pair, 2/m² Σ_i Σ_j k(x_i, y_j)."),
    (dict(scale=False), "The kernel divides the dot product by the dimension: (x·y / d + 1)³."),
    (dict(degree=2), "The kernel is cubic: (x·y / d + 1)³."),
    (dict(coef0=0.0), "The kernel adds 1 before cubing: (x·y / d + 1)³."),
)


def _mmd_hints() -> tuple[Hint, ...]:
    hints = [Hint(lambda got, exp, args, kw=kw: _near(got, _mmd_variant(args, **kw)), text)
             for kw, text in MMD_MISTAKES]
    hints.append(Hint(lambda got, exp, args: exp > 0 and _near(float(got) ** 2, exp),
                      "Return MMD² itself (KID is the squared MMD), without a square root."))
    return tuple(hints)


def _mmd_cases() -> list[tuple]:
    g = torch.Generator().manual_seed(7)
    cases = []
    for m, d, shift, scale in ((20, 5, 0.5, 1.0), (50, 8, 0.0, 1.0), (30, 4, 0.2, 1.5), (64, 16, 1.0, 0.7)):
        x = torch.randn(m, d, generator=g, dtype=torch.float64)
        y = torch.randn(m, d, generator=g, dtype=torch.float64) * scale + shift
        cases.append((x, y))
    return cases


@exercise('mmd2_unbiased', 'the unbiased estimate leaves out the diagonal of the within-set kernel matrices.')
def check_kid_mmd(learner_fn) -> CheckResult:
    """Exercise: ``mmd2_unbiased(x, y) -> float`` for x, y (m, d): one KID subset's estimate."""
    return check_function("mmd2_unbiased", learner_fn, reference_mmd, _mmd_cases(), hints=_mmd_hints(),
                          atol=1e-8, rtol=1e-5)


# FID at n = 500 minus FID at n = 5000: "500" is larger above 0; the band is the measured spread
BIAS_RULE = NoiseRule("FID at n = 500 minus FID at n = 5000", (0.0,), band=0.5)


def fid_bias_effect(seed: int = 0) -> float:
    """Real-against-real FID at n = 500 minus that at n = 5000 (``real_vs_real_fid``, same seed)."""
    return real_vs_real_fid(500, seed) - real_vs_real_fid(5000, seed)


def real_vs_real_fid(n: int, seed: int = 0) -> float:
    """FID between two disjoint seeded halves of n test images each (2n <= 10000), in the course features."""
    from ..metrics.features import make_extractor, real_features
    from ..metrics.frechet import fid_torch_fidelity

    real = real_features(make_extractor(), "test", progress=False)
    order = torch.randperm(real.features.shape[0], generator=torch.Generator().manual_seed(seed))
    return fid_torch_fidelity(real.features[order[:n]], real.features[order[n:2 * n]])


def check_bias_prediction(prediction) -> CheckResult:
    """Predict-then-run: is the FID of real against real larger at n = 500 or at n = 5000 ('500' or '5000')?"""
    choices = ("500", "5000")
    if prediction is Ellipsis:
        return check_prediction("FID bias", prediction, choices, None, "")
    small, large = real_vs_real_fid(500), real_vs_real_fid(5000)
    return check_measured("FID bias", prediction, ("5000", "500"), BIAS_RULE, small - large,
                          f"Real against real: FID {small:.2f} at n = 500, {large:.2f} at n = 5000. Both sets come "
                          "from one distribution, so the true FID is 0; the estimate's bias falls roughly like 1/n "
                          "(the covariance estimate's error), which is why FIDs are only compared at one n.",
                          choices=choices)
