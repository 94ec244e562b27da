"""``train flow --fast`` end to end on constructed data: the file, snapshots, resume, and what it refuses."""

import pytest
import torch
from text2img.edition_files import constructed_edition, tiny_model

from course_lib.commands import train_flow
from course_lib.commands.cli import main
from course_lib.serialization import read_torch_file
from course_lib.text2img.model import load, save

DATA = constructed_edition(320, categories=10)


@pytest.fixture(scope="module")
def base_file(tmp_path_factory):
    return save(tmp_path_factory.mktemp("base") / "text2img.pt", tiny_model()[0])


@pytest.fixture
def small_data(monkeypatch):
    monkeypatch.setattr(train_flow, "edition", lambda split, thresholds, count=None: DATA)


@pytest.fixture(scope="module")
def trained(base_file, tmp_path_factory):
    """OUT of one `train flow --fast` run on the constructed data."""
    out = tmp_path_factory.mktemp("run") / "flow"
    with pytest.MonkeyPatch.context() as m:
        m.setattr(train_flow, "edition", lambda split, thresholds, count=None: DATA)
        code = main(["train", "flow", "--out", str(out), "--snapshot-every", "10", "--fast", "--base", str(base_file),
                     "--precision", "fp32", "--tensorboard", str(out.parent / "tb")])
    assert code == 0
    return out


def test_fast_run_writes_the_model_and_snapshots(trained):
    assert {p.name for p in trained.iterdir()} >= {"checkpoint.pt", "samples.png", "snapshots"}
    assert sorted(p.name for p in (trained / "snapshots").iterdir()) == [f"step_0000{k}.pt" for k in (10, 20, 30)]
    model = load(trained / "checkpoint.pt")
    assert model.kind == "flow" and list(model.extra["phases"]) == ["flow"] and model.extra["precision"] == "fp32"
    assert read_torch_file(trained / "checkpoint.pt", "x")["kind"] == "flow"
    assert list((trained.parent / "tb").glob("events.out.tfevents.*"))  # the loss went to TensorBoard


def test_a_finished_run_is_refused_or_resumed_with_the_same_flags(small_data, base_file, trained, capsys):
    flags = ["--out", str(trained), "--fast", "--base", str(base_file), "--precision", "fp32"]
    before = load(trained / "checkpoint.pt").generator.net.state_dict()
    assert main(["train", "flow", *flags]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["train", "flow", "--resume", "--seed", "3", *flags]) == 2
    assert "resume with the same flags" in capsys.readouterr().err
    assert main(["train", "flow", "--resume", *flags]) == 0
    assert "resuming" in capsys.readouterr().out  # a finished run: nothing is trained again
    after = load(trained / "checkpoint.pt").generator.net.state_dict()
    assert all(torch.equal(value, after[key]) for key, value in before.items())


def test_a_flow_base_and_a_missing_base_are_refused(trained, tmp_path, capsys):
    flow_file = trained / "checkpoint.pt"
    assert main(["train", "flow", "--fast", "--base", str(flow_file), "--out", str(tmp_path / "b")]) == 2
    assert "is a flow file; pass a text2img file" in capsys.readouterr().err
    assert main(["train", "flow", "--fast", "--base", str(tmp_path / "none.pt"), "--out", str(tmp_path / "c")]) == 2
    err = capsys.readouterr().err
    assert "none.pt" in err and "Traceback" not in err


@pytest.mark.parametrize("flag, value", [("--batch-size", "8"), ("--task", "denoise"), ("--augment", "color")])
def test_other_families_flags_are_refused(flag, value, capsys):
    assert main(["train", "flow", flag, value]) == 2
    assert "not for `train flow`" in capsys.readouterr().err
