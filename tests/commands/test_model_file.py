"""course_lib.commands.model_file: a model file is read once, and sample, evaluate and finetune dispatch on its
kind through kinds.KINDS, as docs/architecture.md says."""

import ast
import re
from pathlib import Path

import pytest
import torch

from course_lib.commands import UserError, kinds
from course_lib.commands.cli import main
from course_lib.commands.finetune import base_file
from course_lib.commands.model_file import open_model_file

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "checkpoints"


def test_it_names_the_kind_and_refuses_what_is_not_a_model_file(tmp_path):
    kind, obj = open_model_file(SHIPPED / "dcgan.pt", "sample")
    assert kind == "dcgan" and obj["format"] == "course_lib.pretrained_generator"
    with pytest.raises(UserError, match="is a folder; pass the file inside it"):
        open_model_file(tmp_path, "sample")
    torch.save({"weights": torch.zeros(2)}, tmp_path / "plain.pt")
    with pytest.raises(UserError, match="names no model kind"):
        open_model_file(tmp_path / "plain.pt", "evaluate")
    torch.save({"kind": "vae"}, tmp_path / "vae.pt")
    with pytest.raises(UserError, match="kind 'vae', which `finetune` does not know; it reads cgan, dcgan"):
        open_model_file(tmp_path / "vae.pt", "finetune")


@pytest.fixture
def reads(monkeypatch):
    """Every torch.load of a file: the paths, in order."""
    seen, load = [], torch.load

    def counting(f, *args, **kwargs):
        seen.append(Path(f).resolve() if isinstance(f, (str, Path)) else f)
        return load(f, *args, **kwargs)

    monkeypatch.setattr(torch, "load", counting)
    return seen


@pytest.mark.parametrize("argv", [["dcgan.pt"], ["cgan.pt", "--label", "连衣裙"],
                                  ["text2img.pt", "--prompt", "红色连衣裙"], ["dcgan_no_ankle_boot.pt", "--no-ema"]])
def test_sample_reads_its_file_once(argv, reads, tmp_path, capsys):
    path = SHIPPED / argv[0]
    assert main(["sample", str(path), *argv[1:], "--n", "4", "--out", str(tmp_path / "grid.png")]) == 0
    assert reads.count(path.resolve()) == 1, reads


def test_evaluate_and_finetune_read_their_file_once(reads, capsys):
    path = SHIPPED / "unet_inpaint_l1.pt"
    assert main(["evaluate", str(path), "--n", "4", "--json"]) == 0
    assert reads.count(path.resolve()) == 1, reads
    for name in ("dcgan.pt", "dcgan_no_ankle_boot.pt"):
        assert base_file(SHIPPED / name)["kind"] == "dcgan"
        assert reads.count((SHIPPED / name).resolve()) == 1, reads


def test_each_kind_says_how_it_is_sampled_and_why_finetune_refuses_it(tmp_path, capsys):
    for name, kind in kinds.KINDS.items():
        assert callable(kind.train) and callable(kind.sample) and callable(kind.evaluate), name
        assert (kind.finetune_refusal is None) == (name in ("dcgan", "wgan-gp")), name
    assert main(["sample", str(SHIPPED / "unet.pt"), "--out", str(tmp_path / "g.png")]) == 2
    assert "is an editing U-Net, which restores photos and draws none" in capsys.readouterr().err
    assert main(["finetune", str(SHIPPED / "text2img.pt"), "--category", "9", "--n", "5", "--fast",
                 "--out", str(tmp_path / "f")]) == 2
    assert "is a text-to-image model: `finetune` adapts an unconditional GAN" in capsys.readouterr().err


def imported_names(module: str) -> set[str]:
    tree = ast.parse((ROOT / "course_lib" / "commands" / f"{module}.py").read_text(encoding="utf-8"))
    return {alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names}


def test_the_dispatch_docs_architecture_md_claims():
    """architecture.md: sample, evaluate and finetune open a file once (model_file) and dispatch through KINDS; the
    registry table names the four commands. Each command module imports open_model_file, none reads a file itself."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| model kinds"))
    assert re.search(r"`train` / `sample` / `evaluate` / `finetune`", row) and "`KINDS`" in row
    assert "open_model_file" in text
    for module in ("sample", "evaluate", "finetune"):
        names = imported_names(module)
        assert "open_model_file" in names and "KINDS" in names, module
        assert not names & {"read_torch_file", "read_generator", "load_checkpoint", "is_text2img"} - (
            {"load_checkpoint"} if module == "finetune" else set()), (module, names)
