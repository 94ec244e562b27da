"""course_lib.exercises.lesson06: references pass (and agree with the library), common mistakes fail with a hint."""

import numpy as np
import pytest
import scipy.linalg
import torch

from course_lib.exercises.lesson06 import _fid_cases, _mmd_cases, check_fid, check_kid_mmd, reference_fid, reference_mmd
from course_lib.metrics.frechet import fid_from_features


def fid(f1, f2, ddof=1, factor=2.0, root="product", mean_power=2, real_part=True):
    a, b = f1.numpy(), f2.numpy()
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False, ddof=ddof), np.cov(b, rowvar=False, ddof=ddof)
    if root == "product":
        covmean = scipy.linalg.sqrtm(s1 @ s2)
    elif root == "separately":
        covmean = scipy.linalg.sqrtm(s1) @ scipy.linalg.sqrtm(s2)
    else:
        covmean = np.sqrt(np.abs(s1 @ s2))
    covmean = covmean.real if real_part else covmean + 1e-12j  # round-off: sqrtm may return tiny imaginary parts
    mean_term = 0.0 if mean_power is None else np.linalg.norm(mu1 - mu2) ** mean_power
    return mean_term + np.trace(s1) + np.trace(s2) - factor * np.trace(covmean)


def mmd(x, y, degree=3, scale=True, coef0=1.0, diagonal=False, drop_cross_diagonal=False):
    m, d = x.shape
    gamma = 1.0 / d if scale else 1.0
    kxx, kyy, kxy = ((a @ b.T * gamma + coef0) ** degree for a, b in ((x, x), (y, y), (x, y)))
    if diagonal:
        return (kxx.sum() + kyy.sum() - 2 * kxy.sum()).item() / m**2
    within = (kxx.sum() - kxx.diagonal().sum() + kyy.sum() - kyy.diagonal().sum()) / (m * (m - 1))
    cross = (kxy.sum() - kxy.diagonal().sum()) / (m * (m - 1)) if drop_cross_diagonal else kxy.sum() / m**2
    return (within - 2 * cross).item()


def test_references_agree_with_the_library_and_each_other():
    for f1, f2 in _fid_cases():
        assert reference_fid(f1, f2) == pytest.approx(fid_from_features(f1, f2), rel=1e-6)
        assert reference_fid(f1, f2) == pytest.approx(fid(f1, f2), rel=1e-6)
    for x, y in _mmd_cases():
        assert reference_mmd(x, y) == pytest.approx(mmd(x, y), rel=1e-9, abs=1e-12)


def test_correct_answers_pass_in_numpy_and_torch():
    assert check_fid(fid)
    assert check_fid(lambda f1, f2: torch.tensor(fid(f1, f2)))  # a 0-dim tensor is fine too
    assert check_kid_mmd(mmd)


def test_unwritten_fails():
    def unwritten(*args):
        raise NotImplementedError

    for check in (check_fid, check_kid_mmd):
        result = check(unwritten)
        assert not result and "not written yet" in repr(result)


@pytest.mark.parametrize("kwargs, phrase", [
    (dict(ddof=0), "divided the covariance by N"),
    (dict(factor=1.0), "dropped the factor 2"),
    (dict(mean_power=None), "left out the mean term"),
    (dict(mean_power=1), "SQUARED distance"),
    (dict(root="separately"), "unless the covariances commute"),
    (dict(root="elementwise"), "MATRIX square root"),
    (dict(real_part=False), "keep the .real part"),
])
def test_fid_mistakes_get_their_hints(kwargs, phrase):
    result = check_fid(lambda f1, f2: fid(f1, f2, **kwargs))
    assert not result and phrase in repr(result), repr(result)


def test_fid_square_root_gets_its_hint():
    result = check_fid(lambda f1, f2: fid(f1, f2) ** 0.5)
    assert not result and "do not take the square root" in repr(result)


@pytest.mark.parametrize("kwargs, phrase", [
    (dict(diagonal=True), "kept the diagonal"),
    (dict(drop_cross_diagonal=True), "keeps every cross pair"),
    (dict(scale=False), "divides the dot product by the dimension"),
    (dict(degree=2), "is cubic"),
    (dict(coef0=0.0), "adds 1 before cubing"),
])
def test_mmd_mistakes_get_their_hints(kwargs, phrase):
    result = check_kid_mmd(lambda x, y: mmd(x, y, **kwargs))
    assert not result and phrase in repr(result), repr(result)
