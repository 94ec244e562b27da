"""course_lib.widgets.text2img_explorer: a prompt redraws 8 tagged images; an unusable one says why."""

import pytest
import torch
from text2img.edition_files import tiny_model

from course_lib.widgets.text2img_explorer import TextToImageExplorer, text_to_image_explorer, verdict


@pytest.fixture(scope="module")
def model():
    return tiny_model()[0]


def test_prompts_redraw_and_are_explained(model):
    panel = text_to_image_explorer(model, prompt="a red dress", n=4)
    first, picture = panel.images.clone(), panel.picture.value
    assert first.shape == (4, 3, 28, 28) and picture[:4] == b"\x89PNG"
    assert "colour red" in panel.answer.value and "category dress" in panel.answer.value
    panel.prompt.value = "深色 light 短靴"
    assert not torch.equal(panel.images, first) and panel.picture.value != picture
    assert "mixes English and 中文" in panel.answer.value and "ambiguous" in panel.answer.value


def test_an_unusable_prompt_keeps_the_pictures(model):
    panel = text_to_image_explorer(model, prompt="a red dress", n=2)
    before = panel.picture.value
    panel.prompt.value = "crimson gown"
    assert "cannot draw this prompt" in panel.answer.value and "unknown words: crimson, gown" in panel.answer.value
    assert panel.picture.value == before


def test_verdict_marks_agreement_and_bad_models_are_refused(model):
    found = {"category": torch.tensor([3]), "colour": torch.tensor([0]), "tone": torch.tensor([2]),
             "width": torch.tensor([1]), "pattern": torch.tensor([0])}
    assert verdict(found, 0, {"category": 3, "tone": 0}).split("\n") == ["dress ✓", "red", "light", "regular", "plain"]
    with pytest.raises(ValueError, match="finished text2img model"):
        TextToImageExplorer(object())
