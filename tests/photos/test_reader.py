"""course_lib.photos: shop photos (dark on white, any size and colour) into the catalog's convention."""

import numpy as np
import pytest
import torch
from PIL import Image
from samples import claimed_png

from course_lib.photos.reader import catalog_image, load_photo_folder, object_box, read_photo


def shop_photo(width=120, height=90, box=(20, 30, 70, 80), colour=(200, 30, 30), background=(250, 250, 250)):
    """A product photo: a coloured rectangle (top, left, bottom, right) on a light background."""
    pixels = np.full((height, width, 3), background, dtype=np.uint8)
    top, left, bottom, right = box
    pixels[top:bottom, left:right] = colour
    return Image.fromarray(pixels)


def test_a_shop_photo_becomes_a_light_centred_product_on_black():
    image = catalog_image(shop_photo())
    assert image.shape == (28, 28) and image.dtype == np.uint8
    assert image[0].max() == 0 and image[:, 0].max() == 0  # the border is background, now black
    assert image[14, 14] > 100  # the product is light after the inversion
    rows, cols = np.nonzero(image > 30)
    side = max(rows.max() - rows.min(), cols.max() - cols.min()) + 1
    assert 22 <= side <= 27  # cropped to the object, with a small margin like the catalog's


def test_a_dark_background_is_not_inverted_and_colour_is_kept():
    photo = shop_photo(background=(5, 5, 5), colour=(40, 220, 40))
    grey = catalog_image(photo)
    assert grey[14, 14] > 100 and grey[0, 0] == 0
    colour = catalog_image(photo, size=32, channels=3)
    assert colour.shape == (32, 32, 3) and colour[16, 16, 1] > colour[16, 16, 0]  # still green
    with pytest.raises(ValueError, match="channels must be 1"):
        catalog_image(photo, channels=2)


def test_object_box_and_an_empty_photo():
    distance = np.zeros((10, 10))
    assert object_box(distance) is None
    distance[2:5, 3:9] = 1.0
    assert object_box(distance) == (2, 3, 5, 9)
    assert catalog_image(Image.new("RGB", (50, 50), (255, 255, 255))) is None


def test_a_folder_of_mixed_photos_with_broken_files(tmp_path):
    for i, (w, h) in enumerate([(120, 90), (64, 200), (300, 300), (40, 40)]):
        shop_photo(w, h, box=(h // 5, w // 5, 4 * h // 5, 4 * w // 5), colour=(30 + 40 * i, 60, 200)).save(
            tmp_path / f"photo{i}.{['png', 'jpg', 'webp', 'png'][i]}")
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    (tmp_path / "notes.txt").write_text("not a photo")
    shop_photo(10, 10, box=(2, 2, 8, 8)).save(tmp_path / "tiny.png")
    Image.new("RGB", (60, 60), (255, 255, 255)).save(tmp_path / "blank.png")
    found = load_photo_folder(tmp_path, minimum=4)
    assert found.images.shape == (4, 28, 28) and found.images.dtype == torch.uint8
    assert [p.name for p in found.files] == ["photo0.png", "photo1.jpg", "photo2.webp", "photo3.png"]
    reasons = {p.name: r for p, r in found.skipped}
    assert set(reasons) == {"broken.jpg", "notes.txt", "tiny.png", "blank.png"}
    assert "too small" in reasons["tiny.png"] and "only background" in reasons["blank.png"]
    assert "skipped tiny.png: too small" in found.report()
    with pytest.raises(ValueError, match="has 4 usable photos; at least 10 are needed; skipped: blank.png"):
        load_photo_folder(tmp_path)


@pytest.mark.parametrize("side", [15000, 10000])  # above twice Pillow's limit (it raises), and between 1 and 2x
def test_a_file_claiming_too_many_pixels_is_skipped_before_decoding(tmp_path, side):
    bomb = claimed_png(tmp_path / "bomb.png", side, side)
    assert bomb.stat().st_size < 1000
    image, reason = read_photo(bomb, 28, 1, 16)
    assert image is None and "refused" in reason and "decompression bomb" in reason
    for i in range(4):
        shop_photo().save(tmp_path / f"photo{i}.png")
    found = load_photo_folder(tmp_path, minimum=4)
    assert len(found.files) == 4 and [p.name for p, _ in found.skipped] == ["bomb.png"]


def test_missing_and_empty_folders(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_photo_folder(tmp_path / "nowhere")
    with pytest.raises(ValueError, match="has 0 usable photos; at least 10 are needed"):
        load_photo_folder(tmp_path)
