"""``evaluate`` of a text2img file: the JSON field names of the issue, the text report, refused flags."""

import json

import pytest
from text2img.edition_files import tiny_model

from course_lib.commands.cli import main
from course_lib.text2img.attributes import fit_thresholds
from course_lib.text2img.catalog import tinted_split
from course_lib.text2img.model import save


@pytest.fixture(scope="module")
def text_file(tmp_path_factory):
    model = tiny_model()[0]
    images, labels = tinted_split("test")
    model.thresholds = fit_thresholds(images[:3000], labels[:3000])  # the real test split has ten categories
    return save(tmp_path_factory.mktemp("t2i") / "text2img.pt", model)


def test_json_fields_and_text(text_file, capsys):
    # about 10 s on a 2-core CPU: two whole evaluations (JSON, then the text report), each with its FID
    assert main(["evaluate", str(text_file), "--n", "100", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["kind"] == "text2img" and result["n"] == 100
    for field in ("retrieval_recall_at_1", "retrieval_recall_at_5", "category_accuracy", "attribute_accuracy"):
        assert field in result
    assert set(result["attribute_accuracy"]) == {"colour", "tone", "width", "pattern"}
    assert main(["evaluate", str(text_file), "--n", "40"]) == 0
    text = capsys.readouterr().out
    assert "text -> image retrieval" in text and "held_out_zh" in text and "FID (course scale" in text


def test_refused_flags(text_file, capsys):
    assert main(["evaluate", str(text_file), "--n", "50", "--calibration"]) == 2
    assert "--calibration: not for a text2img file" in capsys.readouterr().err


def test_the_device_asked_for_reaches_the_model_and_the_evaluation(monkeypatch):
    import argparse

    import torch

    from course_lib.commands import text2img_evaluator

    cuda, seen = torch.device("cuda"), []
    monkeypatch.setattr(text2img_evaluator, "select_device", lambda name: seen.append(("asked", name)) or cuda)
    monkeypatch.setattr(text2img_evaluator, "load",
                        lambda path, device, obj: seen.append(("load", device, obj)) or "model")
    monkeypatch.setattr(text2img_evaluator, "evaluate_text2img",
                        lambda model, n, seed, device: seen.append(("evaluate", device)) or {"n": n})
    monkeypatch.setattr(text2img_evaluator, "format_report", lambda result: "report")
    args = argparse.Namespace(n=10, seed=0, device="cuda", calibration=False, inception_weights=None, data=None,
                              no_gan_train=False)
    assert text2img_evaluator.text2img_evaluator("t2i.pt", {"read": "once"}, args) == ({"n": 10}, "report")
    assert seen == [("asked", "cuda"), ("load", cuda, {"read": "once"}), ("evaluate", cuda)]
