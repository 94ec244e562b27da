"""course_lib.commands.flags: the shared --device and --precision, and refused flags as parse errors."""

import argparse

import pytest

from course_lib.commands.cli import main
from course_lib.commands.flags import add_device, add_precision, device_name, refuse


def parser():
    p = argparse.ArgumentParser(exit_on_error=False)
    add_device(p)
    add_precision(p)
    refuse(p, {"--task": "value", "--adversarial": "switch"}, "{flag} is for `train unet` only")
    return p


@pytest.mark.parametrize("given,name", [("auto", "auto"), ("CPU", "cpu"), ("cuda", "cuda"), ("cuda:1", "cuda:1"),
                                        ("mps", "mps")])
def test_device_names(given, name):
    assert device_name(given) == name


@pytest.mark.parametrize("given", ["gpu", "cuda:", "cuda:x", "tpu", ""])
def test_other_device_names_are_parse_errors(given):
    with pytest.raises(argparse.ArgumentTypeError, match="auto .*cpu, cuda, cuda:N or mps"):
        device_name(given)


def test_one_default_for_device_and_precision():
    args = parser().parse_args([])
    assert args.device == "auto" and args.precision == "auto"


@pytest.mark.parametrize("argv,flag", [(["--task", "x"], "--task"), (["--adversarial"], "--adversarial")])
def test_a_refused_flag_is_a_parse_error_with_its_message(argv, flag):
    with pytest.raises(argparse.ArgumentError, match=f"{flag} is for `train unet` only"):
        parser().parse_args(argv)


def test_the_command_line_refuses_another_family_s_flag_before_anything_runs(tmp_path, capsys):
    assert main(["train", "unet", "--task", "denoise", "--tensorboard", str(tmp_path / "tb"),
                 "--out", str(tmp_path / "run")]) == 2
    assert "--tensorboard is for the GAN kinds" in capsys.readouterr().err
    assert not (tmp_path / "run").exists() and not (tmp_path / "tb").exists()
    assert main(["train", "dcgan", "--device", "gpu"]) == 2
    assert "argument --device: must be auto" in capsys.readouterr().err
