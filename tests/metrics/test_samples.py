"""Drawing generated images for evaluation: conditional detection, seeded chunks, balanced labels, checks."""

import functools

import pytest
import torch

from course_lib.metrics.samples import balanced_labels, draw_samples, takes_labels


def seeded_noise(n, seed):
    return torch.rand(n, 1, 28, 28, generator=torch.Generator().manual_seed(seed)) * 2 - 1


def optional_labels(n, seed, labels=None, batch_size=500):
    return seeded_noise(n, seed)


def test_conditional_detection():
    assert not takes_labels(seeded_noise)
    assert takes_labels(lambda n, seed, labels: seeded_noise(n, seed))
    assert takes_labels(lambda n, seed, y: seeded_noise(n, seed))
    assert not takes_labels(optional_labels)  # optional labels: unconditional unless asked
    assert not takes_labels(functools.partial(optional_labels, batch_size=10))


def test_balanced_labels_are_balanced_and_seeded():
    labels = balanced_labels(1005, seed=0)
    assert torch.bincount(labels).tolist() == [101] * 5 + [100] * 5
    assert torch.equal(labels, balanced_labels(1005, seed=0)) and not torch.equal(labels, balanced_labels(1005, 1))


def test_chunks_are_seeded_and_seeds_do_not_share_chunks():
    a, _ = draw_samples(seeded_noise, 1000, seed=0, batch_size=250, progress=False)
    b, _ = draw_samples(seeded_noise, 1000, seed=0, batch_size=250, progress=False)
    c, _ = draw_samples(seeded_noise, 1000, seed=1, batch_size=250, progress=False)
    assert a.shape == (1000, 1, 28, 28) and torch.equal(a, b)
    chunks_a, chunks_c = a.split(250), c.split(250)
    assert not any(torch.equal(x, y) for x in chunks_a for y in chunks_c)


def test_forced_conditional_passes_labels_and_32_pixels_are_cropped():
    seen = []

    def sample_fn(n, seed, labels=None):
        seen.append(labels)
        return torch.nn.functional.pad(seeded_noise(n, seed), (2, 2, 2, 2), value=-1.0)

    images, labels = draw_samples(sample_fn, 30, conditional=True, batch_size=20, progress=False)
    assert images.shape == (30, 1, 28, 28) and torch.equal(torch.cat(seen), labels)


@pytest.mark.parametrize("sample_fn, words", [
    (lambda n, seed: seeded_noise(n + 1, seed), "exactly as many"),
    (lambda n, seed: seeded_noise(n, seed) * 5, "[-1, 1]"),
    (lambda n, seed: seeded_noise(n, seed)[:, 0], "shape"),
    ("not callable", "callable"),
])
def test_bad_samplers_give_a_clear_value_error(sample_fn, words):
    with pytest.raises(ValueError) as err:
        draw_samples(sample_fn, 10, progress=False)
    assert words in str(err.value)
