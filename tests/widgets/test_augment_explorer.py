"""course_lib.widgets.augment_explorer: controls, identity at zero strength, class switch, redraw."""

import ipywidgets as widgets
import pytest
import torch

from course_lib.categories import CLASS_NAMES_ZH
from course_lib.widgets.augment_explorer import augmentation_explorer


def catalog(n=60, seed=0):
    """Seeded uint8 images (n, 28, 28) where each image's brightness encodes its label."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.arange(n) % 10
    images = torch.zeros(n, 28, 28, dtype=torch.uint8)
    images[:, 6:22, 8:20] = (labels * 20 + 40).to(torch.uint8)[:, None, None]
    images[:, 6:22, 8:20] += torch.randint(0, 10, (n, 16, 12), generator=g, dtype=torch.uint8)
    return images, labels


def test_controls_and_bilingual_classes():
    panel = augmentation_explorer(*catalog())
    assert isinstance(panel, widgets.VBox)
    labels = [label for label, _ in panel.product.options]
    assert len(labels) == 10 and all(zh in label for zh, label in zip(CLASS_NAMES_ZH, labels))
    assert set(panel.sliders) == {"flip", "rotate", "translate", "scale", "crop", "erase",
                                  "color", "translation", "cutout"}
    assert all(s.value == 0.0 for s in panel.sliders.values())


def test_zero_strengths_give_identity_and_sliders_change_after():
    images, labels = catalog()
    panel = augmentation_explorer(images, labels, per_class=4)
    panel.update()
    assert panel.before.shape == (4, 1, 28, 28)
    torch.testing.assert_close(panel.after, panel.before, rtol=0, atol=0)
    panel.sliders["cutout"].value = 0.5  # observers redraw on every change
    assert not torch.equal(panel.after, panel.before)
    assert panel.after.min() >= -1.0 and panel.after.max() <= 1.0
    panel.sliders["cutout"].value = 0.0
    panel.sliders["rotate"].value = 30.0
    assert not torch.equal(panel.after, panel.before)


def test_class_switch_shows_that_class():
    images, labels = catalog()
    panel = augmentation_explorer(images, labels, per_class=3)
    panel.product.value = 2
    expected = images[labels == 2][:3].float().div(127.5).sub(1).unsqueeze(1)
    torch.testing.assert_close(panel.before, expected)
    assert panel.picture.value[:8] == b"\x89PNG\r\n\x1a\n"  # the redrawn before/after picture


def test_seed_changes_draw():
    panel = augmentation_explorer(*catalog())
    panel.sliders["translation"].value = 1.0
    first = panel.after.clone()
    panel.seed.value = 1
    assert not torch.equal(panel.after, first)


def test_initial_strengths():
    images, labels = catalog()
    panel = augmentation_explorer(images, labels, initial={"rotate": 15.0, "cutout": 0.5})
    assert panel.after is None  # nothing drawn until update()
    panel.update()
    assert panel.sliders["rotate"].value == 15.0 and not torch.equal(panel.after, panel.before)
    with pytest.raises(ValueError, match="unknown sliders"):
        augmentation_explorer(images, labels, initial={"hue": 0.5})
    with pytest.raises(ValueError, match="outside the slider range"):
        augmentation_explorer(images, labels, initial={"rotate": 90.0})


def test_bad_inputs():
    images, labels = catalog()
    with pytest.raises(ValueError, match="uint8"):
        augmentation_explorer(images.float(), labels)
    with pytest.raises(ValueError, match="one label per image"):
        augmentation_explorer(images, labels[:5])
    with pytest.raises(ValueError, match=r"labels must be in \[0, 9\]"):
        augmentation_explorer(images, labels + 5)
