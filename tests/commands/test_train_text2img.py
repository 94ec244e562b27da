"""``train text2img --fast`` end to end on constructed data, resume, and the flags it refuses."""

import pytest
from text2img.edition_files import constructed_edition

from course_lib.commands import train_text2img
from course_lib.commands.cli import main
from course_lib.text2img.attributes import fit_thresholds
from course_lib.text2img.model import load

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


def test_ctrl_c_in_the_gan_phase_exits_130_and_resume_finishes_the_phase(small_data, tmp_path, monkeypatch, capsys):
    import os
    import signal

    from course_lib.text2img import training

    real_loop, out = training.text_gan_loop, tmp_path / "t2i"

    def loop_with_ctrl_c(*args, **kwargs):
        loop = real_loop(*args, **kwargs)
        loop.add_callback("on_step_end", lambda loop: os.kill(os.getpid(), signal.SIGINT) if loop.step == 7 else None)
        return loop

    with monkeypatch.context() as m:
        m.setattr(training, "text_gan_loop", loop_with_ctrl_c)
        assert main(["train", "text2img", "--fast", "--out", str(out), "--precision", "fp32"]) == 130
    assert f"interrupted: saved {out / 'checkpoint.pt'}; continue with --resume" in capsys.readouterr().out
    assert load(out / "checkpoint.pt", finished=False).gan_state["loop"]["step"] == 7
    assert main(["train", "text2img", "--fast", "--out", str(out), "--precision", "fp32", "--resume"]) == 0
    assert load(out / "checkpoint.pt").extra["phases"]["gan"]["final_g_loss"] > 0


def test_flags_of_other_kinds_are_refused(small_data, tmp_path, capsys):
    assert main(["train", "text2img", "--fast", "--out", str(tmp_path / "x"), "--batch-size", "8"]) == 2
    err = capsys.readouterr().err
    assert "--batch-size: not for `train text2img`" in err and "--seed" in err


def test_every_network_trains_on_the_device_asked_for(small_data, tmp_path, monkeypatch, capsys):
    """``--device cuda`` on a machine without one: select_device is told it exists, and every ``.to(cuda)`` of
    a module or tensor is recorded and carried out on the CPU. A network left out (the phase that once pinned
    the CPU) is missing from the record; a path that resolved the device itself would call select_device."""
    import torch

    from course_lib.text2img import training

    cuda, moved, asked = torch.device("cuda"), [], []
    module_to, tensor_to = torch.nn.Module.to, torch.Tensor.to

    def on_cpu(args, kwargs, what):
        is_cuda = [a for a in (*args, *kwargs.values()) if isinstance(a, (str, torch.device))
                   and torch.device(a).type == "cuda"]
        if is_cuda:
            moved.append(what)
        def swap(a):
            return "cpu" if any(a is c for c in is_cuda) else a
        return [swap(a) for a in args], {k: swap(v) for k, v in kwargs.items()}

    def fake_module_to(self, *args, **kwargs):
        args, kwargs = on_cpu(args, kwargs, type(self).__name__)
        return module_to(self, *args, **kwargs)

    def fake_tensor_to(self, *args, **kwargs):
        args, kwargs = on_cpu(args, kwargs, "tensor")
        return tensor_to(self, *args, **kwargs)

    monkeypatch.setattr(train_text2img, "select_device", lambda name: asked.append(name) or cuda)
    monkeypatch.setattr("course_lib.runtime.select_device", lambda name: pytest.fail(f"select_device({name!r})"))
    monkeypatch.setattr(torch.nn.Module, "to", fake_module_to)
    monkeypatch.setattr(torch.Tensor, "to", fake_tensor_to)
    phases, gan, real_phases, real_gan = [], [], training.train_phases, training.text_gan_loop
    monkeypatch.setattr(train_text2img, "train_phases", lambda *a, **k: phases.append(k["device"]) or
                        real_phases(*a, **k))
    monkeypatch.setattr(training, "text_gan_loop", lambda *a, **k: gan.append(a[-1]) or real_gan(*a, **k))

    out = tmp_path / "t2i"
    assert main(["train", "text2img", "--fast", "--device", "cuda", "--out", str(out), "--precision", "fp32"]) == 0
    assert asked == ["cuda"] and phases == [cuda] and gan == [cuda]
    assert {"Clip", "Tagger", "TextGenerator", "TextDiscriminator", "tensor"} <= set(moved)
    assert "networks on: cuda" in capsys.readouterr().out
    extra = load(out / "checkpoint.pt", device=torch.device("cpu")).extra
    assert extra["device"] == "cuda" and extra["precision"] == "fp32"
