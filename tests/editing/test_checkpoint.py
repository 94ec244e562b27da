"""course_lib.editing.checkpoint: round trip bit for bit, the shipped-file loader, clear errors for bad files."""

import dataclasses

import pytest
import torch

from course_lib.editing.checkpoint import (
    PAIR_FILES,
    is_unet_file,
    load_pretrained_pair,
    load_pretrained_unet,
    load_unets,
    load_unets_file,
    pretrained_unet_path,
    save_unets,
    shipped_pair_or,
    task_entry,
)
from course_lib.editing.pix2pix import FitConfig
from course_lib.models.unet import UNet, UNetConfig
from course_lib.serialization import CheckpointError

CFG = UNetConfig(cond_channels=1, width=8, groups=4)
RUN = {"tasks": ["denoise", "deblur"], "batch_size": 8}


def entries(steps=(5, 5)):
    out = {}
    for task, step, residual in zip(("denoise", "deblur"), steps, (False, True)):
        torch.manual_seed(len(out))
        unet = UNet(dataclasses.replace(CFG, residual=residual))
        out[task] = task_entry(unet, FitConfig(tasks=(task,), num_steps=5), step, 1.5,
                               {"l1": torch.tensor([0.3, 0.2], dtype=torch.float64)})
    return out


def test_round_trip_gives_the_same_outputs(tmp_path):
    saved = entries()
    save_unets(tmp_path / "unet.pt", RUN, saved, extra={"device": "cpu"})
    obj = load_unets_file(tmp_path / "unet.pt")
    assert obj["kind"] == "unet" and obj["extra"] == {"device": "cpu"} and obj["run"] == RUN
    models = load_unets(tmp_path / "unet.pt")
    assert list(models) == ["denoise", "deblur"] and models["deblur"].cfg.residual
    x, cond = torch.rand(2, 1, 28, 28) * 2 - 1, torch.zeros(2, 1, 28, 28)
    for task, unet in models.items():
        expected = UNet(unet.cfg)
        expected.load_state_dict(saved[task]["network"]["state"])
        torch.testing.assert_close(unet(x, cond), expected.eval()(x, cond), rtol=0, atol=0)
    assert is_unet_file(tmp_path / "unet.pt") and not is_unet_file(tmp_path / "missing.pt")


def test_pretrained_loader(tmp_path):
    assert pretrained_unet_path(tmp_path) == tmp_path / "unet.pt"
    assert pretrained_unet_path().parent.name == "checkpoints"
    assert load_pretrained_unet("denoise", tmp_path) is None  # no file: the lesson trains its own
    save_unets(tmp_path / "unet.pt", RUN, entries(steps=(5, 2)))  # deblur was cut short
    assert isinstance(load_pretrained_unet("denoise", tmp_path), UNet)
    with pytest.raises(CheckpointError, match="no finished model for 'deblur'.*has: denoise"):
        load_pretrained_unet("deblur", tmp_path)
    with pytest.raises(CheckpointError, match="no finished model for 'inpaint'"):
        load_pretrained_unet("inpaint", tmp_path)
    with pytest.raises(ValueError, match="valid tasks"):
        load_pretrained_unet("sharpen", tmp_path)
    assert list(load_unets(tmp_path / "unet.pt", finished_only=False)) == ["denoise", "deblur"]


def save_inpainter(path, adversarial, steps=5):
    torch.manual_seed(int(adversarial))
    entry = task_entry(UNet(CFG), FitConfig(tasks=("inpaint",), num_steps=5), steps, 1.0, {})
    save_unets(path, {"tasks": ["inpaint"], "batch_size": 8, "adversarial": adversarial}, {"inpaint": entry})


def test_the_lessons_pair_is_loaded_when_shipped_else_trained(tmp_path):
    trained = {"L1": UNet(CFG), "L1 + PatchGAN": UNet(CFG)}
    pair, source = shipped_pair_or(lambda: trained, root=tmp_path)  # nothing shipped: the lesson trains both
    assert source == "trained here" and pair == trained and not any(u.training for u in pair.values())
    save_inpainter(tmp_path / PAIR_FILES["L1"][0], adversarial=False)
    assert load_pretrained_pair(tmp_path) is None  # one of the two is not enough
    save_inpainter(tmp_path / PAIR_FILES["L1 + PatchGAN"][0], adversarial=True)
    pair, source = shipped_pair_or(lambda: pytest.fail("trained although shipped"), root=tmp_path)
    assert list(pair) == ["L1", "L1 + PatchGAN"] and source.startswith("shipped")
    x, cond = torch.rand(1, 1, 28, 28), torch.ones(1, 1, 28, 28)
    assert not torch.equal(pair["L1"](x, cond), pair["L1 + PatchGAN"](x, cond))  # two different files


@pytest.mark.parametrize("swap, steps", [(True, 5), (False, 2)])
def test_a_pair_file_that_is_not_what_its_name_says_is_refused(tmp_path, swap, steps):
    save_inpainter(tmp_path / PAIR_FILES["L1"][0], adversarial=swap, steps=steps)  # wrong loss, or cut short
    save_inpainter(tmp_path / PAIR_FILES["L1 + PatchGAN"][0], adversarial=True)
    with pytest.raises(CheckpointError, match="not the finished L1 inpainting U-Net"):
        load_pretrained_pair(tmp_path)


def test_the_shipped_pair_loads():
    pair = load_pretrained_pair(device="cpu")
    assert pair is not None and set(pair) == set(PAIR_FILES)


def test_bad_files_are_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist.*train unet"):
        load_unets_file(tmp_path / "missing.pt")
    (tmp_path / "junk.pt").write_text("junk")
    with pytest.raises(CheckpointError, match="not a checkpoint"):
        load_unets_file(tmp_path / "junk.pt")
    (tmp_path / "lfs.pt").write_text("version https://git-lfs.github.com/spec/v1\noid sha256:abc\n")
    with pytest.raises(CheckpointError, match="Git LFS pointer"):
        load_unets_file(tmp_path / "lfs.pt")
    torch.save({"format": "course_lib.gan_checkpoint"}, tmp_path / "gan.pt")
    with pytest.raises(CheckpointError, match="not an editing U-Net file"):
        load_unets_file(tmp_path / "gan.pt")
    torch.save({"x": torch.nn.Linear(1, 1)}, tmp_path / "pickled.pt")
    with pytest.raises(CheckpointError, match="safe load"):
        load_unets_file(tmp_path / "pickled.pt")

    def broken(change):
        obj = {"format": "course_lib.unet_checkpoint", "version": 1, "kind": "unet", "run": RUN,
               "tasks": entries()}
        change(obj)
        torch.save(obj, tmp_path / "broken.pt")
        return tmp_path / "broken.pt"

    with pytest.raises(CheckpointError, match="version 7"):
        load_unets_file(broken(lambda o: o.update(version=7)))
    with pytest.raises(CheckpointError, match=r"missing keys \['run'\]"):
        load_unets_file(broken(lambda o: o.pop("run")))
    with pytest.raises(CheckpointError, match="valid tasks"):
        load_unets_file(broken(lambda o: o["tasks"].update(sharpen=o["tasks"]["denoise"])))
    with pytest.raises(CheckpointError, match=r"task 'denoise' is missing \['network'\]"):
        load_unets_file(broken(lambda o: o["tasks"]["denoise"].pop("network")))
    with pytest.raises(CheckpointError, match="task 'deblur' does not rebuild.*unknown fields"):
        load_unets_file(broken(lambda o: o["tasks"]["deblur"]["network"]["config"].update(colour=True)))
    with pytest.raises(CheckpointError, match="task 'deblur' does not rebuild"):
        load_unets_file(broken(lambda o: o["tasks"]["deblur"]["network"]["config"].update(width=16, groups=8)))
    with pytest.raises(CheckpointError, match="task 'deblur' does not rebuild.*'patchgan', not a 'unet'"):
        load_unets_file(broken(lambda o: o["tasks"]["deblur"]["network"].update(arch="patchgan")))
