"""course_lib.listing.card: the card shows the product and a visible label, in Chinese when a CJK font is there."""

import numpy as np
import torch

from course_lib.listing import card
from course_lib.listing.card import MARGIN, PICTURE, SIDE, listing_card

ATTRIBUTES = {"category": 3, "colour": 0, "tone": 1, "width": 2, "pattern": 0}


def test_the_card_has_the_picture_the_band_and_a_line_per_attribute():
    image = torch.full((3, 28, 28), 1.0)  # a white product: only the band and the text are dark
    drawn, languages = listing_card(image, ATTRIBUTES)
    assert drawn.size == (SIDE, MARGIN * 2 + PICTURE + 48 + 22 * 5) and languages == ["zh", "en"]
    pixels = np.asarray(drawn)
    band = pixels[MARGIN + 1: MARGIN + 27, MARGIN + 1: MARGIN + PICTURE - 1]
    assert (band < 40).mean() > 0.5 and (band > 200).any()  # a dark band with light letters
    assert (pixels[MARGIN + PICTURE + 10:] < 128).any()  # the title and attribute lines


def test_without_a_cjk_font_the_card_is_english_only(monkeypatch):
    card.font_path.cache_clear()
    monkeypatch.setattr(card, "CJK_FONTS", ("No Such Font Family",))
    try:
        _, languages = listing_card(torch.zeros(3, 28, 28), ATTRIBUTES, "restored")
        assert languages == ["en"]
        assert card.attribute_lines({"colour": 0}, chinese=False) == ["colour: red"]
    finally:
        card.font_path.cache_clear()
