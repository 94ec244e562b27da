"""course_lib.widgets.category_explorer: controls, description matching, seed and latent sliders."""

import ipywidgets as widgets
import pytest
import torch

from course_lib.categories import CLASS_NAMES_ZH
from course_lib.gan.sampling import latent_noise, sample
from course_lib.models.cgan import CGANConfig, build_cgan
from course_lib.models.dcgan import DCGANConfig, build_dcgan
from course_lib.widgets.category_explorer import category_explorer


@pytest.fixture
def generator():
    torch.manual_seed(0)
    return build_cgan(CGANConfig(latent_dim=6, width=4))[0]


def test_controls_and_first_draw(generator):
    panel = category_explorer(generator, n=4, seed=3)
    assert isinstance(panel, widgets.VBox) and len(panel.latents) == 3
    assert all(zh in label for zh, (label, _) in zip(CLASS_NAMES_ZH, panel.category.options))
    assert panel.images is None  # nothing drawn until update()
    panel.update()
    assert panel.images.shape == (4, 1, 28, 28) and panel.picture.value[:8] == b"\x89PNG\r\n\x1a\n"
    expected = sample(generator, 4, z=latent_noise(4, 6, 3), labels=torch.zeros(4, dtype=torch.long))
    torch.testing.assert_close(panel.images, expected)


def test_category_seed_and_latent_sliders_redraw(generator):
    panel = category_explorer(generator, n=3)
    panel.update()
    first = panel.images.clone()
    panel.category.value = 7
    assert not torch.equal(panel.images, first)
    torch.testing.assert_close(panel.images, sample(generator, 3, z=panel.z, labels=torch.full((3,), 7)))
    z = panel.z.clone()
    panel.latents[1].value = 2.0
    torch.testing.assert_close(panel.z[:, 1], z[:, 1] + 2.0)
    torch.testing.assert_close(panel.z[:, 2:], z[:, 2:])
    panel.seed.value = 5
    assert not torch.equal(panel.z[:, 2:], z[:, 2:])


def test_description_box_selects_the_category_by_keywords(generator):
    panel = category_explorer(generator, n=2)
    panel.description.value = "红色连衣裙"
    assert panel.category.value == 3 and "keyword matching" in panel.answer.value and "Dress" in panel.answer.value
    torch.testing.assert_close(panel.images, sample(generator, 2, z=panel.z, labels=torch.full((2,), 3)))
    panel.description.value = "ankle boot"
    assert panel.category.value == 9
    panel.description.value = "a red hat"
    assert panel.category.value == 9 and "found no category word" in panel.answer.value
    assert category_explorer(generator, description="white sneakers").category.value == 7


def test_needs_a_conditional_generator(generator):
    with pytest.raises(ValueError, match="needs a conditional generator"):
        category_explorer(build_dcgan(DCGANConfig(width=4))[0])
    with pytest.raises(ValueError, match="num_latent_sliders"):
        category_explorer(generator, num_latent_sliders=7)
