"""course_lib.listing.pipeline: K ranked, checked candidates; an edit keeps the latent; a photo becomes a listing."""

import torch

from course_lib.listing.pipeline import choose, draw, edit, photo_listing
from course_lib.listing.request import read_request

from .phone_photos import phone_photo


def test_draw_ranks_and_checks_k_candidates_and_choose_takes_the_best_that_passes(model):
    request = read_request(model, "红色宽松连衣裙")
    candidates = draw(model, request, 8, seed=0)
    assert len(candidates) == 8 and sorted(c.reading.index for c in candidates) == list(range(8))
    assert all([c.name for c in cand.checks] == ["category", "attributes", "not_a_copy"] for cand in candidates)
    images, _ = model.generate(request.text, n=8, seed=0)
    for c in candidates:
        torch.testing.assert_close(c.image, images[c.reading.index], rtol=0, atol=0)
    chosen = choose(candidates)
    passing = [c for c in candidates if c.passed]
    assert chosen is (passing[0] if passing else None)
    assert choose([c for c in candidates if not c.passed]) is None


def test_an_edit_keeps_the_latent_and_reports_what_moved(model):
    request = read_request(model, "a red dress")
    before = draw(model, request, 4, seed=1)[0]
    same = edit(model, request, before, "colour", request.asked["colour"], 4, seed=1)  # "re-describe" to itself
    torch.testing.assert_close(same.candidate.image, before.image, rtol=0, atol=0)
    assert same.changed == {} and not same.clean and same.prompt == "a red dress"
    blue = edit(model, request, before, "colour", 4, 4, seed=1)
    assert blue.prompt == "a blue dress" and blue.change == "colour=blue"
    assert blue.candidate.reading.index == before.reading.index
    assert blue.clean == (set(blue.changed) == {"colour"} and blue.changed["colour"][1] == 4)


def test_a_phone_photo_becomes_a_listing_with_its_measured_colour(model, tmp_path):
    found = photo_listing(model, phone_photo(tmp_path / "p.jpg", index=3, colour="green"), "auto", device="cpu")
    assert found.attributes["colour"] == 3 and list(found.attributes)[0] == "category"
    assert found.image.shape == (3, 28, 28) and [c.name for c in found.checks] == ["category"]
    assert set(found.estimate) == {"measured", "clean_catalog"}
    none = photo_listing(model, tmp_path / "p.jpg", "none", device="cpu")
    assert none.task is None and torch.equal(none.restored, none.grey)
