"""course_lib.listing.export: the card and the JSON are written, with both labels and the facts a shop needs."""

import json

import torch

from course_lib.listing.export import attributes_both, checkpoint_hashes, source_type, write_listing
from course_lib.listing.labels import GENERATED, RESTORED, read_labels
from course_lib.serialization import file_sha256, shipped_dir

ATTRIBUTES = {"category": 3, "colour": 0, "tone": 1, "width": 2, "pattern": 0}


def test_the_listing_files_carry_both_labels(tmp_path):
    used = checkpoint_hashes({"text2img": shipped_dir() / "text2img.pt"})
    card, info = write_listing(tmp_path / "out", torch.zeros(3, 28, 28), ATTRIBUTES,
                               {"prompt": "红色宽松连衣裙", "seed": 0, "checkpoints": used}, "generated",
                               source_type("generated"), ["re-described: colour=blue"])
    record = json.loads(info.read_text())
    assert record["attributes"]["en"] == {"category": "dress", "colour": "red", "tone": "medium", "width": "wide",
                                          "pattern": "plain"}
    assert record["attributes"]["zh"]["colour"] == "红色" and record["prompt"] == "红色宽松连衣裙"
    assert record["checkpoints"]["text2img"]["sha256"] == file_sha256(shipped_dir() / "text2img.pt")
    assert record["labels"]["explicit"]["text"] == "AI生成 · AI-generated"
    assert record["c2pa"]["digitalSourceType"] == GENERATED and record["c2pa"]["signed"] is False
    assert [a["action"] for a in record["c2pa"]["actions"]] == ["c2pa.created", "c2pa.edited"]
    labels = read_labels(card)
    assert labels["AIGC"] == record["labels"]["implicit"]["AIGC"] and labels["AIGC"]["Label"] == "1"
    assert labels["c2pa.actions"]["actions"] == record["c2pa"]["actions"]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["listing.json", "listing.png"]


def test_source_types_and_both_languages():
    assert source_type("generated") == GENERATED and source_type("restored") == RESTORED
    assert source_type("restored", restored=False).endswith("/algorithmicallyEnhanced")
    assert attributes_both({"category": 9, "width": 0}) == {"en": {"category": "ankle boot", "width": "narrow"},
                                                           "zh": {"category": "短靴", "width": "修身"}}
