"""``evaluate`` of a text2img file: the JSON field names of the issue, the text report, refused flags."""

import json

import pytest
from describe.edition_files import tiny_model

from course_lib.cli import main
from course_lib.describe.attributes import fit_thresholds
from course_lib.describe.catalog import tinted_split
from course_lib.describe.text2img import save


@pytest.fixture(scope="module")
def text_file(tmp_path_factory):
    model = tiny_model()[0]
    images, labels = tinted_split("test")
    model.thresholds = fit_thresholds(images[:3000], labels[:3000])  # the real test split has ten categories
    return save(tmp_path_factory.mktemp("t2i") / "text2img.pt", model)


def test_json_fields_and_text(text_file, capsys):
    assert main(["evaluate", str(text_file), "--n", "100", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["kind"] == "text2img" and result["n"] == 100
    for field in ("retrieval_recall_at_1", "retrieval_recall_at_5", "category_accuracy", "attribute_accuracy"):
        assert field in result
    assert set(result["attribute_accuracy"]) == {"colour", "tone", "width", "pattern"}
    assert main(["evaluate", str(text_file), "--n", "100"]) == 0
    text = capsys.readouterr().out
    assert "text -> image retrieval" in text and "held_out_zh" in text and "FID (course scale" in text


def test_refused_flags(text_file, capsys):
    assert main(["evaluate", str(text_file), "--n", "50", "--calibration"]) == 2
    assert "--calibration: not for a text2img file" in capsys.readouterr().err
