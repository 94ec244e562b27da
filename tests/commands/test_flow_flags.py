"""``sample`` and ``evaluate`` of a flow file with --steps, --guidance and --method; bad values and other kinds
refused with a message."""

import json

import pytest
from text2img.edition_files import constructed_edition, tiny_flow, tiny_model

from course_lib.commands.cli import main
from course_lib.commands.text2img_evaluator import format_report
from course_lib.serialization import shipped_dir
from course_lib.text2img.attributes import fit_thresholds
from course_lib.text2img.catalog import tinted_split
from course_lib.text2img.model import save


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    base = tiny_model()[0]
    images, labels = tinted_split("test")
    base.thresholds = fit_thresholds(images[:3000], labels[:3000])  # the real test split has ten categories
    folder = tmp_path_factory.mktemp("flow")
    flow = tiny_flow(base, constructed_edition(320, categories=10), steps=4)
    return save(folder / "text2img.pt", base), save(folder / "flow.pt", flow)


def test_sample_with_the_sampler_flags(files, tmp_path, capsys):
    out = tmp_path / "s.npz"
    assert main(["sample", str(files[1]), "--prompt", "a red dress", "--n", "3", "--steps", "2", "--guidance",
                 "1.5", "--method", "heun", "--out", str(out)]) == 0
    assert "3 samples of 'a red dress'" in capsys.readouterr().out


@pytest.mark.parametrize("flag, value, message", [("--steps", "0", "at least 1"), ("--steps", "-4", "at least 1"),
                                                  ("--steps", "2.5", "whole number"),
                                                  ("--guidance", "nan", "finite number"),
                                                  ("--guidance", "inf", "finite number"),
                                                  ("--guidance", "-1", "finite number >= 0"),
                                                  ("--method", "rk4", "invalid choice")])
def test_bad_values_are_refused(files, flag, value, message, capsys):
    for command in (["sample", str(files[1]), "--prompt", "a red dress"], ["evaluate", str(files[1])]):
        assert main([*command, flag, value]) == 2
        assert message in capsys.readouterr().err


def test_other_kinds_refuse_the_flags(files, capsys):
    assert main(["sample", str(files[0]), "--prompt", "a red dress", "--steps", "4"]) == 2
    assert "--steps: for flow-matching files only" in capsys.readouterr().err
    assert main(["sample", str(shipped_dir() / "dcgan.pt"), "--guidance", "2"]) == 2
    assert "dcgan file, which draws in one step" in capsys.readouterr().err
    assert main(["evaluate", str(files[0]), "--method", "heun"]) == 2
    assert "--method: for flow-matching files only" in capsys.readouterr().err


def test_evaluate_gives_the_text2img_report_with_the_sampler(files, capsys):
    # about 4 s on a 2-core CPU: one evaluation of 40 prompts (retrieval, samples, FID), its text from the same JSON
    assert main(["evaluate", str(files[1]), "--n", "40", "--steps", "1", "--guidance", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["kind"] == "flow" and result["sampler"] == {"steps": 1, "guidance": 1.0, "method": "euler"}
    assert set(result["attribute_accuracy"]) == {"colour", "tone", "width", "pattern"} and "fid_course" in result
    assert "flow sampler: 1 euler steps, guidance 1" in format_report(result)
