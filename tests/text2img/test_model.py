"""course_lib.text2img.model: the file round trip, unfinished files refused, prompts drawn."""

import pytest
import torch

from course_lib.serialization import CheckpointError
from course_lib.text2img.model import load, save
from course_lib.text2img.prompts import PromptError
from text2img.edition_files import tiny_model


@pytest.fixture(scope="module")
def model():
    return tiny_model()[0]


def test_round_trip_draws_the_same_images(model, tmp_path):
    path = save(tmp_path / "t.pt", model)
    again = load(path)
    first, check = model.generate("a red dress", n=4, seed=2)
    torch.testing.assert_close(again.generate("a red dress", n=4, seed=2)[0], first)
    assert first.shape == (4, 3, 28, 28) and check.parsed["colour"] == 0
    assert not torch.allclose(model.generate("一双黑色短靴", n=4, seed=2)[0], first)
    with pytest.raises(PromptError):
        again.generate("", n=2)


def test_unfinished_and_foreign_files_are_refused(model, tmp_path):
    model.generator, model.extra = None, {"phases": {"encoder": {}}}
    path = save(tmp_path / "partial.pt", model)
    with pytest.raises(CheckpointError, match="unfinished text2img.*phases done: encoder.*--resume"):
        load(path)
    assert load(path, finished=False).generator is None
    torch.save({"weights": torch.zeros(1)}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="not a text-to-image model file"):
        load(tmp_path / "other.pt")
