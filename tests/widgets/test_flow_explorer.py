"""The flow explorer of lesson 10: both models draw the prompt, the sliders reach the flow sampler, bad prompts
keep the last pictures."""

import pytest
from text2img.edition_files import constructed_edition, tiny_flow, tiny_model

from course_lib.widgets.flow_explorer import flow_explorer


@pytest.fixture(scope="module")
def models():
    base = tiny_model()[0]
    return tiny_flow(base, constructed_edition(320, categories=10), steps=4), base


def test_draws_both_and_follows_the_sliders(models):
    flow, gan = models
    panel = flow_explorer(flow, gan, "a red dress", n=4)
    assert panel.flow_images.shape == panel.gan_images.shape == (4, 3, 28, 28)
    assert panel.picture.value[:8] == b"\x89PNG\r\n\x1a\n" and "network calls per image" in panel.answer.value
    first = panel.flow_images
    panel.steps.value, panel.guidance.value = 1, 1.0
    assert flow.generator.steps == 1 and flow.generator.guidance == 1.0
    assert "1 Euler steps at guidance 1 = 1 network calls" in panel.answer.value
    assert not (panel.flow_images == first).all()


def test_a_bad_prompt_keeps_the_pictures(models):
    panel = flow_explorer(*models, n=2)
    picture = panel.picture.value
    panel.prompt.value = ""
    assert "cannot draw this prompt" in panel.answer.value and panel.picture.value == picture


def test_needs_a_flow_and_a_gan(models):
    with pytest.raises(ValueError, match="needs a flow model"):
        flow_explorer(models[1], models[1])
