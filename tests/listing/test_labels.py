"""course_lib.listing.labels: the implicit label is written into the PNG and read back field by field."""

from PIL import Image

from course_lib.listing.labels import (
    AIGC_KEYS,
    GENERATED,
    RESTORED,
    aigc_label,
    c2pa_actions,
    read_labels,
    save_labelled_png,
)


def test_the_label_round_trips_through_a_png(tmp_path):
    aigc = aigc_label("course-lib-123")
    c2pa = c2pa_actions(GENERATED, ["re-described: colour=blue"], "course_lib 0.1.0")
    save_labelled_png(Image.new("RGB", (8, 8), "white"), tmp_path / "x.png", aigc, c2pa, "red dress / 红色连衣裙")
    labels = read_labels(tmp_path / "x.png")
    assert list(labels["AIGC"]) == list(AIGC_KEYS) and labels["AIGC"]["Label"] == "1"
    assert labels["AIGC"]["ProduceID"] == "course-lib-123" and labels["AIGC"]["ContentPropagator"] == ""
    actions = labels["c2pa.actions"]["actions"]
    assert [a["action"] for a in actions] == ["c2pa.created", "c2pa.edited"]
    assert all(a["digitalSourceType"].endswith("/trainedAlgorithmicMedia") for a in actions)
    assert labels["Description"] == "red dress / 红色连衣裙"


def test_a_restored_photo_is_an_edit_and_an_unlabelled_png_has_no_label(tmp_path):
    assert c2pa_actions(RESTORED, [], "x")["actions"][0]["action"] == "c2pa.edited"
    Image.new("RGB", (8, 8)).save(tmp_path / "plain.png")
    assert read_labels(tmp_path / "plain.png") == {}
