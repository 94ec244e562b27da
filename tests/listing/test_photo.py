"""course_lib.listing.photo: a shop photo is read with its colour, the damage estimate names the task on degraded
catalog images, clean ones are mostly left alone, and bad photos are refused with the reason."""

from collections import Counter

import pytest
import torch
from PIL import Image

from course_lib.data import load_fashion_mnist, to_float
from course_lib.editing.degrade import degrade
from course_lib.listing.photo import clean_ranges, estimate_damage, read_shop_photo, restore_photo, tagger_view
from course_lib.listing.request import RequestError
from course_lib.text2img.colour import COLOURS

from .phone_photos import phone_photo


def guesses(images):
    return Counter(estimate_damage(images[i:i + 1])[0] for i in range(len(images)))


def test_the_estimate_names_strong_damage_and_leaves_most_clean_images_alone():
    """Measured on 100 test images the ranges did not see (docs/models.md gives the full table)."""
    clean = to_float(load_fashion_mnist().test_images[2000:2100])
    assert guesses(clean)[None] >= 80
    assert guesses(degrade(clean, "denoise", 0.5, seed=1)[0])["denoise"] >= 95
    assert guesses(degrade(clean, "enhance", 0.5, seed=1)[0])["enhance"] >= 95
    assert guesses(degrade(clean, "deblur", 1.0, seed=1)[0])["deblur"] >= 90
    assert set(clean_ranges()) == {"noise", "floor", "sharpness"}


def test_a_phone_jpeg_is_read_with_its_colour(tmp_path):
    photo = read_shop_photo(phone_photo(tmp_path / "p.jpg", index=3, colour="red"))
    assert photo.grey.shape == (1, 28, 28) and photo.grey.dtype == torch.uint8
    assert photo.colour == COLOURS.index("red") and "measured" in photo.colour_note
    dark = Image.new("RGB", (64, 64), "black")
    dark.paste(Image.new("RGB", (30, 40), (200, 40, 40)), (17, 12))
    dark.save(tmp_path / "dark.png")
    unknown = read_shop_photo(tmp_path / "dark.png")
    assert unknown.colour is None and "background is dark" in unknown.colour_note


@pytest.mark.parametrize("make, message", [
    (lambda p: p, "no such file"),
    (lambda p: p.write_bytes(b"not an image") and p, "cannot be used"),
    (lambda p: Image.new("RGB", (8, 8), "white").save(p, format="PNG") or p, "too small"),
    (lambda p: Image.new("RGB", (64, 64), "white").save(p, format="PNG") or p, "cannot be used"),
])
def test_bad_photos_are_refused_with_the_reason(tmp_path, make, message):
    with pytest.raises(RequestError, match=message):
        read_shop_photo(make(tmp_path / "x.png"))


def test_restoring_and_the_taggers_view():
    grey = to_float(load_fashion_mnist().test_images[:1])  # (1, 1, 28, 28)
    assert restore_photo(grey, None) is grey
    noisy = degrade(grey, "denoise", 0.5, seed=0)[0]
    restored = restore_photo(noisy, "denoise", device="cpu")
    assert restored.shape == grey.shape and (restored - grey).abs().mean() < (noisy - grey).abs().mean()
    view = tagger_view(restored, COLOURS.index("green"))
    assert view.shape == (1, 3, 28, 28) and view.min() >= -1 and view.max() <= 1
    assert view[0, :, 0, 0].tolist() == [1.0, 1.0, 1.0]  # the background is white
