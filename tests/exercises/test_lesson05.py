"""course_lib.exercises.lesson05: the references pass, common mistakes fail with a hint."""

import math

import torch

from course_lib.exercises.lesson05 import check_psnr, check_skip_connection


def test_skip_connection_reference_passes_and_mistakes_get_hints():
    assert check_skip_connection(lambda feat, skip, up, decode: decode(torch.cat([up(feat), skip], dim=1)))
    cases = {
        "You put the skip first": lambda f, s, up, decode: decode(torch.cat([s, up(f)], dim=1)),
        "You added the skip": lambda f, s, up, decode: up(f) + s,
        "pass it through decode": lambda f, s, up, decode: torch.cat([up(f), s], dim=1),
        "channels decode expects": lambda f, s, up, decode: decode(torch.cat([f, s], dim=1)),
        "but got 16 channels": lambda f, s, up, decode: decode(up(f) + s),
    }
    for phrase, fn in cases.items():
        result = check_skip_connection(fn)
        assert not result and phrase in repr(result), (phrase, repr(result))

    def unwritten(feat, skip, up, decode):
        raise NotImplementedError

    assert "not written yet" in repr(check_skip_connection(unwritten))
    assert not check_skip_connection("not a function")


def mse(x, y):
    return (x - y).pow(2).flatten(1).mean(1)


def test_psnr_reference_passes_and_mistakes_get_hints():
    assert check_psnr(lambda x, y: 10 * torch.log10(1 / mse(x, y)))
    assert check_psnr(lambda x, y: 20 * torch.log10(1 / mse(x, y).sqrt()))
    cases = {
        "one PSNR per image": lambda x, y: 10 * torch.log10(1 / (x - y).pow(2).mean()),
        "already a squared error": lambda x, y: 20 * torch.log10(1 / mse(x, y)),
        "not the natural log": lambda x, y: 10 * torch.log(1 / mse(x, y)),
        "goes in the denominator": lambda x, y: 10 * torch.log10(mse(x, y)),
        "do not sum it": lambda x, y: 10 * torch.log10(1 / (x - y).pow(2).flatten(1).sum(1)),
        "MAX is 1": lambda x, y: 10 * torch.log10(255 ** 2 / mse(x, y)),
    }
    for phrase, fn in cases.items():
        result = check_psnr(fn)
        assert not result and phrase in repr(result), (phrase, repr(result))
    result = check_psnr(lambda x, y: 10 * torch.log10(1 / mse(x, y)) + 0.5)  # no known mistake: no hint
    assert not result and "Hint" not in repr(result) and math.isfinite(0.5)
