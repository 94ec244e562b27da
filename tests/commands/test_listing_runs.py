"""course_lib.commands.listing_runs: the printed ranking, and a photo whose check fails is written only with --force."""

import argparse
import json

import torch

from course_lib.commands import listing_runs
from course_lib.listing.checks import Check
from course_lib.listing.pipeline import Candidate, PhotoListing
from course_lib.listing.ranking import Reading


def test_print_candidates_gives_rank_latent_score_reasons_and_verdict(capsys):
    reading = Reading(5, {"category": 3, "colour": 0, "tone": 1, "width": 0, "pattern": 0},
                      {"category": True, "width": False}, 0.4, 0.6)
    failing = Check("attributes", False, 0.5, 1.0, "read otherwise: width as narrow")
    listing_runs.print_candidates([Candidate(torch.zeros(3, 28, 28), reading, [failing])], "en")
    assert capsys.readouterr().out == ("  1. candidate 5: score 0.600 (dress ✓, width ✗ (reads narrow); cosine 0.40); "
                                       "FAILS attributes: read otherwise: width as narrow\n")


def test_a_photo_that_fails_its_check_is_written_only_with_force(tmp_path, monkeypatch, capsys):
    failed = Check("category", False, 0.2, 0.5, "the course classifier gives a dress only 20%")
    found = PhotoListing(torch.zeros(1, 1, 28, 28), None, {"measured": {"noise": 0.01}, "clean_catalog": {}},
                         torch.zeros(1, 1, 28, 28), torch.zeros(3, 28, 28), {"category": 3, "width": 1},
                         "unknown: the background is dark", [failed])
    monkeypatch.setattr(listing_runs, "photo_listing", lambda *args: found)
    args = argparse.Namespace(photo="p.jpg", restore="auto", force=False)
    assert listing_runs.photo_run(None, args, tmp_path / "a", "cpu") == 1
    assert "check category: FAILS" in capsys.readouterr().out and not (tmp_path / "a").exists()
    args.force = True
    assert listing_runs.photo_run(None, args, tmp_path / "b", "cpu") == 0
    record = json.loads((tmp_path / "b" / "listing.json").read_text())
    assert record["forced"] and record["restoration"] is None and "colour" not in record["attributes"]["en"]
    assert record["c2pa"]["digitalSourceType"].endswith("/algorithmicallyEnhanced")
