"""``train text2img --fast`` end to end on constructed data, resume, and the flags it refuses."""

import pytest
from describe.edition_files import constructed_edition

from course_lib.cli import main
from course_lib.commands import train_text2img
from course_lib.describe.attributes import fit_thresholds
from course_lib.describe.text2img import load

DATA = constructed_edition(320, categories=10)


@pytest.fixture
def small_data(monkeypatch):
    monkeypatch.setattr(train_text2img, "training_thresholds", lambda: fit_thresholds(DATA.images, DATA.labels))
    monkeypatch.setattr(train_text2img, "edition", lambda split, thresholds, count=None: DATA)


def test_fast_run_writes_the_model_and_resumes(small_data, tmp_path, capsys):
    out = tmp_path / "t2i"
    assert main(["train", "text2img", "--fast", "--out", str(out), "--precision", "fp32"]) == 0
    assert {p.name for p in out.iterdir()} >= {"checkpoint.pt", "samples.png"}
    model = load(out / "checkpoint.pt")
    assert list(model.extra["phases"]) == ["encoder", "tagger", "gan"] and model.extra["precision"] == "fp32"
    assert main(["train", "text2img", "--fast", "--out", str(out), "--precision", "fp32"]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["train", "text2img", "--fast", "--out", str(out), "--precision", "fp32", "--resume"]) == 0
    assert "phases done encoder, tagger, gan" in capsys.readouterr().out
    assert main(["train", "text2img", "--fast", "--out", str(out), "--resume", "--seed", "5",
                 "--precision", "fp32"]) == 2
    assert "resume with the same flags" in capsys.readouterr().err


def test_flags_of_other_kinds_are_refused(small_data, tmp_path, capsys):
    assert main(["train", "text2img", "--fast", "--out", str(tmp_path / "x"), "--batch-size", "8"]) == 2
    err = capsys.readouterr().err
    assert "--batch-size: not for `train text2img`" in err and "--seed" in err
