"""course_lib.commands.cli: every command is registered, user mistakes exit 2 with one clear line, --help works."""

import pytest

from course_lib.commands.cli import COMMANDS, build_parser, main


def test_every_command_is_registered():
    parser = build_parser()
    choices = next(a for a in parser._actions if a.dest == "command").choices
    assert list(choices) == list(COMMANDS)


def test_a_user_mistake_exits_2_with_one_line_and_no_traceback(tmp_path, capsys):
    assert main(["sample", str(tmp_path / "missing.pt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "does not exist" in err and "Traceback" not in err
    assert "COURSE_DEBUG=1" in err


def test_course_debug_shows_the_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_DEBUG", "1")
    with pytest.raises(FileNotFoundError):
        main(["sample", str(tmp_path / "missing.pt")])


def test_unknown_command_and_help(capsys):
    assert main(["paint"]) == 2
    assert "invalid choice: 'paint'" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["train", "--help"])
    assert exit_info.value.code == 0 and "--resume" in capsys.readouterr().out


@pytest.mark.parametrize("device,absent", [("cuda", "no CUDA GPU"), ("mps", "no Apple MPS")])
def test_a_device_that_is_not_here_exits_2_with_the_fix(device, absent, tmp_path, monkeypatch, capsys):
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.backends.mps, "is_available", lambda: False)
    assert main(["train", "text2img", "--device", device, "--fast", "--out", str(tmp_path / "t2i")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: --device {device} was asked for but") and absent in err
    assert "--device cpu" in err and "auto" in err and "Traceback" not in err
    assert not (tmp_path / "t2i").exists()  # refused before anything ran


def test_version_names_the_library_torch_and_python(capsys):
    import platform
    from pathlib import Path

    import tomllib
    import torch

    import course_lib

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    assert out.strip() == f"course-lib {course_lib.__version__} (torch {torch.__version__}, Python " \
                          f"{platform.python_version()})"
    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["project"]
    assert project["version"] == course_lib.__version__  # one version: the package's and the distribution's
