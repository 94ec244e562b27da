"""course_lib.studies.few_shot_floor: the real photos a perfect generator stands for stay out of both splits, the
floor falls with the held-out count, and the spread is one generator's scores over sample seeds."""

from types import SimpleNamespace

import pytest
import torch
from tiny_gan import tiny_images

from course_lib.data import to_float
from course_lib.gan.few_shot import new_line
from course_lib.metrics.features import make_extractor
from course_lib.studies.few_shot_floor import checkpoint_spread, other_photos, real_floor


def toy_data():
    return SimpleNamespace(train_images=tiny_images(90, seed=1), train_labels=torch.arange(90) % 3,
                           test_images=tiny_images(30, seed=2), test_labels=torch.arange(30) % 3)


def test_other_photos_are_neither_trained_on_nor_validated_on():
    data = toy_data()
    train, validation = new_line(data, 2, 5, seed=3, validation=10)
    others = other_photos(data, 2, seed=3, skip=5, count=12, validation=10)
    assert others.shape == (12, 1, 28, 28)
    for image in others:
        assert not any(torch.equal(image, v) for v in validation)
        assert not any(torch.equal(image, to_float(t[None])[0]) for t in train)
    with pytest.raises(ValueError, match="overlap the last 10"):
        other_photos(data, 2, seed=3, skip=5, count=16, validation=10)


def test_the_floor_falls_with_more_held_out_photos_and_the_spread_is_per_seed():
    extractor = make_extractor(device="cpu")
    real = to_float(tiny_images(200, seed=4))
    rows = real_floor(real[:100], real[100:], real[100:], sizes=(10, 100), draws=3, extractor=extractor)
    assert [r["n"] for r in rows] == [10, 100]
    assert rows[0]["validation"][0] > rows[1]["validation"][0] > 0 and rows[1]["validation"][1] < 1e-4  # all 100
    assert rows[1]["test"][0] == pytest.approx(rows[1]["validation"][0], rel=1e-5)  # the same photos both sides

    class Constant(torch.nn.Module):  # draws real images, one per latent vector
        latent_dim = 4

        def __init__(self):
            super().__init__()
            self.unused = torch.nn.Parameter(torch.zeros(1))

        def forward(self, z):
            return real[:len(z)]

    values = checkpoint_spread(Constant(), real[100:], samples=50, seeds=range(3), extractor=extractor)
    assert len(values) == 3 and len(set(values)) == 1  # a generator that ignores z: no spread
