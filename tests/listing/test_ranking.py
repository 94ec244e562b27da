"""course_lib.listing.ranking: the score is the share of agreed attributes plus a quarter of the cosine; candidates
come back best first with readings that match the tagger."""

import pytest
import torch

from course_lib.listing.ranking import SIMILARITY_WEIGHT, Reading, ranking_score, read_candidates, similarities
from course_lib.listing.request import read_request
from course_lib.text2img.tagger import predict


def test_the_score_in_closed_form():
    assert ranking_score({"category": True, "colour": True, "width": False}, 0.4) == pytest.approx(2 / 3 + 0.1)
    assert ranking_score({}, 0.8) == pytest.approx(0.2) and SIMILARITY_WEIGHT == 0.25
    # one attribute of four outweighs any cosine: the cosine moves the score by 0.25 at most... not more
    assert ranking_score({"a": True, "b": True, "c": True, "d": False}, 1.0) < ranking_score(
        {"a": True, "b": True, "c": True, "d": True}, -0.01) + 0.26


def test_candidates_are_read_by_the_tagger_and_ranked(model):
    request = read_request(model, "a red wide dress")
    images, _ = model.generate(request.text, n=6, seed=3)
    readings = read_candidates(model, request, images)
    assert sorted(r.index for r in readings) == list(range(6))
    assert [r.score for r in readings] == sorted((r.score for r in readings), reverse=True)
    found, cosines = predict(model.tagger, images), similarities(model, request.text, images)
    for r in readings:
        assert r.read == {name: int(found[name][r.index]) for name in r.read}
        assert r.agree == {name: r.read[name] == value for name, value in request.asked.items()}
        assert r.similarity == pytest.approx(float(cosines[r.index]))
        assert r.score == pytest.approx(ranking_score(r.agree, r.similarity))
    assert torch.all(cosines.abs() <= 1 + 1e-5)


def test_reasons_name_what_disagrees():
    reading = Reading(2, {"category": 3, "colour": 0, "tone": 1, "width": 0, "pattern": 0},
                      {"category": True, "width": False}, 0.5, 0.625)
    assert reading.reasons() == "dress ✓, width ✗ (reads narrow); cosine 0.50"
    assert reading.reasons("zh") == "连衣裙 ✓, width ✗ (reads 修身); cosine 0.50"
