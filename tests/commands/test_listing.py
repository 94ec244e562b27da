"""``python -m course_lib listing``: the two Done-when runs (a Chinese prompt; a photo of the example folder and a
phone JPEG) write the card and the JSON with both labels, offline from the shipped checkpoints; every bad input
is refused with exit 2 and nothing is written."""

import json
import sys
from pathlib import Path

import pytest
from PIL import Image

from course_lib.commands.cli import main
from course_lib.listing.labels import read_labels

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ for the listing tests' photo helper
from listing.phone_photos import phone_photo  # noqa: E402


def test_a_chinese_prompt_becomes_a_labelled_listing(tmp_path, capsys):
    assert main(["listing", "--prompt", "红色宽松连衣裙", "--out", str(tmp_path / "l")]) == 0
    said = capsys.readouterr().out
    assert "8 candidates for '红色宽松连衣裙' (seed 0), best first:" in said and "labelled as AI-generated" in said
    record = json.loads((tmp_path / "l" / "listing.json").read_text())
    assert record["attributes"]["zh"]["category"] == "连衣裙" and not record["forced"]
    assert all(check["passed"] for check in record["checks"])
    labels = read_labels(tmp_path / "l" / "listing.png")
    assert labels["AIGC"]["Label"] == "1" and labels["AIGC"]["ProduceID"].startswith("course-lib-")
    assert labels["c2pa.actions"]["actions"][0]["digitalSourceType"].endswith("/trainedAlgorithmicMedia")


def test_an_edit_is_reported_and_recorded(tmp_path, capsys):
    code = main(["listing", "--prompt", "a red dress", "--change", "colour=blue", "--force", "--out",
                 str(tmp_path / "e")])
    said = capsys.readouterr().out
    assert code == 0 and "edit colour=blue: 'a blue dress'; the tagger sees" in said
    record = json.loads((tmp_path / "e" / "listing.json").read_text())
    assert record["edits"][0]["prompt"] == "a blue dress" and isinstance(record["edits"][0]["clean"], bool)
    assert len(record["c2pa"]["actions"]) == 2


def test_photos_become_restored_listings(tmp_path, capsys):
    assert main(["data", "--make-example-folder", str(tmp_path / "ex"), "--per-class", "1"]) == 0
    example = sorted((tmp_path / "ex" / "dress").glob("*.png"))[0]
    jpeg = phone_photo(tmp_path / "phone.jpg", index=3, colour="blue")
    for name, photo in (("example", example), ("phone", jpeg)):
        assert main(["listing", "--photo", str(photo), "--out", str(tmp_path / name), "--force"]) == 0, name
        record = json.loads((tmp_path / name / "listing.json").read_text())
        assert record["photo"] == str(photo) and record["labels"]["explicit"]["text"] == "AI修复 · AI-restored"
        assert read_labels(tmp_path / name / "listing.png")["AIGC"]["Label"] == "1"
    assert "colour: blue: measured" in capsys.readouterr().out


def bad_inputs(tmp_path) -> dict:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "old.txt").write_text("a previous listing")
    (tmp_path / "broken.jpg").write_bytes(b"not a jpeg")
    Image.new("RGB", (10, 10), "white").save(tmp_path / "tiny.png")
    Image.new("RGB", (80, 80), "white").save(tmp_path / "blank.png")
    return {
        "the prompt is empty": ["--prompt", ""],
        "none of the words": ["--prompt", "qwzx blorf"],
        "contradicts itself": ["--prompt", "a dark light dress"],
        "names no product": ["--prompt", "something red"],
        "cannot be used": ["--photo", str(tmp_path / "broken.jpg")],
        "too small": ["--photo", str(tmp_path / "tiny.png")],
        "cannot be used: only background": ["--photo", str(tmp_path / "blank.png")],
        "no such file": ["--photo", str(tmp_path / "missing.jpg")],
        "attribute 'size', which the model does not know": ["--prompt", "a red dress", "--change", "size=XL"],
        "'teal' is not a colour": ["--prompt", "a red dress", "--change", "colour=teal"],
        "already holds files; pass --force": ["--prompt", "a red dress", "--out", str(tmp_path / "full")],
        "--change re-describes a generated candidate": ["--photo", str(tmp_path / "tiny.png"), "--change",
                                                         "colour=red"],
        "needs the hole's mask": ["--photo", str(tmp_path / "tiny.png"), "--restore", "inpaint"],
        "give the product as --prompt TEXT": [],
        "not allowed with argument --prompt": ["--prompt", "a red dress", "--photo", str(tmp_path / "tiny.png")],
    }


def test_bad_input_is_refused_clearly_and_nothing_is_written(tmp_path, capsys):
    for message, argv in bad_inputs(tmp_path).items():
        out = [] if "--out" in argv else ["--out", str(tmp_path / "never")]
        assert main(["listing", *argv, *out]) == 2, message
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err, (message, err)
        assert not (tmp_path / "never").exists(), message
    assert (tmp_path / "full" / "old.txt").read_text() == "a previous listing"


@pytest.mark.parametrize("argv", [["--prompt", "a red dress"]])
def test_a_listing_whose_checks_fail_is_not_written_without_force(argv, tmp_path, capsys, monkeypatch):
    from course_lib.commands import listing_runs

    monkeypatch.setattr(listing_runs, "choose", lambda candidates: None)
    assert main(["listing", *argv, "--out", str(tmp_path / "x")]) == 1
    assert "no candidate passes every check, so nothing was written" in capsys.readouterr().out
    assert not (tmp_path / "x").exists()
