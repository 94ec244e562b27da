"""course_lib.widgets.listing_explorer: a description draws ranked, checked candidates and a card; an edit redraws
the card and says what moved; a refused request keeps the last pictures and says why."""

import pytest

from course_lib.serialization import shipped_dir
from course_lib.text2img.model import load
from course_lib.widgets.listing_explorer import ListingExplorer, listing_explorer, values_of


@pytest.fixture(scope="module")
def panel():
    return listing_explorer(load(shipped_dir() / "text2img.pt", device="cpu"), k=4)


def test_a_description_draws_checked_candidates_and_a_card(panel):
    assert len(panel.candidates) == 4 and panel.picture.value[:4] == b"\x89PNG"
    assert [c.reading.score for c in panel.candidates] == sorted((c.reading.score for c in panel.candidates),
                                                                 reverse=True)
    if any(c.passed for c in panel.candidates):
        assert panel.card.value[:4] == b"\x89PNG" and "category:" in panel.report.value


def test_an_edit_redraws_the_card_and_a_refusal_keeps_the_pictures(panel):
    panel.attribute.value = "colour"
    assert panel.value.options == tuple(values_of("colour")) or list(panel.value.options) == values_of("colour")
    if panel.edited is not None:
        assert panel.edited.prompt == "橙色宽松连衣裙" and "edit colour=orange" in panel.report.value
    picture = panel.picture.value
    panel.prompt.value = "a dark light dress"
    assert "contradicts itself" in panel.report.value and panel.picture.value == picture
    with pytest.raises(ValueError, match="finished text2img model with its tagger"):
        ListingExplorer(None)


def test_every_attribute_can_be_chosen_and_its_values_follow(panel):
    for attribute in ("category", "tone", "width", "pattern", "colour"):
        panel.prompt.value = "红色宽松连衣裙"
        panel.attribute.value = attribute
        assert list(panel.value.options) == values_of(attribute) and panel.value.value == values_of(attribute)[1]
    panel.attribute.value = "none"
    assert panel.edited is None
