"""``sample CHECKPOINT --prompt``: English and Chinese prompts, every --out form, and each bad input's message."""

import numpy as np
import pytest
from text2img.edition_files import tiny_model

from course_lib.commands.cli import main
from course_lib.text2img.model import save


@pytest.fixture(scope="module")
def text_file(tmp_path_factory):
    return save(tmp_path_factory.mktemp("t2i") / "text2img.pt", tiny_model()[0])


@pytest.mark.parametrize("prompt", ["a light blue ankle boot", "红色宽松连衣裙"])
def test_prompts_in_both_languages(text_file, tmp_path, capsys, prompt):
    out = tmp_path / "s.npz"
    assert main(["sample", str(text_file), "--prompt", prompt, "--n", "5", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"5 samples of {prompt!r}" in printed and "the prompt names: category" in printed
    assert "the tagger reads:" in printed
    saved = np.load(out)
    assert saved["images"].shape == (5, 28, 28, 3) and saved["images"].dtype == np.uint8
    assert list(saved["prompts"]) == [prompt] * 5


def test_a_folder_of_pngs(text_file, tmp_path):
    assert main(["sample", str(text_file), "--prompt", "a red dress", "--n", "3", "--out", str(tmp_path / "f")]) == 0
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == ["000000.png", "000001.png", "000002.png"]


@pytest.mark.parametrize("prompt, message", [
    ("", "the prompt is empty"),
    ("crimson gown", "none of the words of 'crimson gown' are known"),
])
def test_unusable_prompts(text_file, capsys, prompt, message):
    assert main(["sample", str(text_file), "--prompt", prompt]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize("prompt, note", [
    ("dark light dress", "the tone is ambiguous"),
    ("a red dress " * 12, "longer than the encoder's 32 tokens"),
    ("红色 dress", "mixes English and 中文"),
    ("a gorgeous red dress", "unknown words: gorgeous"),
])
def test_usable_prompts_with_notes(text_file, tmp_path, capsys, prompt, note):
    assert main(["sample", str(text_file), "--prompt", prompt, "--n", "2", "--out", str(tmp_path / "g.png")]) == 0
    assert note in capsys.readouterr().out


def test_misuse(text_file, capsys):
    assert main(["sample", str(text_file)]) == 2
    assert "pass --prompt" in capsys.readouterr().err
    assert main(["sample", str(text_file), "--prompt", "a red dress", "--label", "3"]) == 2
    assert "--label: not for a text-to-image file" in capsys.readouterr().err
    assert main(["sample", "checkpoints/cgan.pt", "--prompt", "a red dress"]) == 2
    assert "--prompt needs a text-conditioned checkpoint" in capsys.readouterr().err
