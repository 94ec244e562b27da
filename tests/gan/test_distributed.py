"""Training on 2 gloo processes (course_lib.gan.distributed and the train command under torchrun).

The processes are started by ``distributed_runs.spawn`` (torch.multiprocessing, torchrun's environment) or by
a ``torchrun`` subprocess; each test takes seconds on 2 CPU cores.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from distributed_runs import (
    flow_cli,
    interrupted_and_straight,
    parity_rank,
    parity_run,
    spawn,
    text2img_cli,
    text_gan_rank,
    train_cli,
)
from tiny_gan import tiny_trainer

from course_lib.commands import UserError
from course_lib.commands.train_unet import check_processes
from course_lib.editing.checkpoint import is_finished, load_unets_file
from course_lib.gan.checkpoint import load_checkpoint
from course_lib.gan.distributed import SharedBatchNorm2d, all_gather_objects, average_gradients, share_batchnorm
from course_lib.serialization import CheckpointError

TESTS = Path(__file__).resolve().parents[1]


def assert_states_close(a: dict, b: dict, exact: bool = False) -> None:
    assert a.keys() == b.keys()
    for key in a:
        if exact:
            assert torch.equal(a[key], b[key]), key
        else:
            torch.testing.assert_close(a[key], b[key], rtol=1e-9, atol=1e-11, msg=key)


@pytest.mark.parametrize("kind", ["wgan-gp", "dcgan"])
def test_two_processes_step_like_one_process_on_the_union_batch(tmp_path, kind):
    """Two D steps and a G step on 2 x 4 images equal the same steps on the 8 images in one process:
    for a layer-norm critic with the gradient penalty, and for the DCGAN's BatchNorm networks."""
    (rank0, rank1), _ = spawn(tmp_path, parity_rank, kind)
    alone = parity_run(kind, lambda t: t)
    for name in ("generator", "critic"):
        assert_states_close(rank0[name], rank1[name], exact=True)  # one all-reduce: the same bits everywhere
        assert_states_close(rank0[name], alone[name])
        moved = [k for k, v in alone[name].items() if not torch.equal(v, alone["initial"][name][k])]
        assert len(moved) > len(alone[name]) // 2, name  # the steps did move the weights (and BN statistics)


def test_the_text_gan_trains_on_two_processes_and_resumes_bit_for_bit(tmp_path):
    """The text family on the one loop under a gloo group: both processes end with the same weights (rank 0's
    start, averaged gradients) from batches of their own, and a state taken mid-run resumes bit for bit."""
    (rank0, rank1), _ = spawn(tmp_path, text_gan_rank, 4, 2)
    assert_states_close(rank0["straight"], rank1["straight"], exact=True)
    for result in (rank0, rank1):
        assert_states_close(result["straight"], result["resumed"], exact=True)
        assert result["ranks_kept"] == 2  # every process's random streams are in the state
    assert rank0["d_loss"] != rank1["d_loss"]  # each process scored its own batch


def test_train_text2img_under_two_processes_writes_once_on_rank_0(tmp_path):
    """``train text2img --fast`` on 2 ranks: both exit 0, rank 0 alone writes the model file and the samples (the
    GAN phase's batches shared out), rank 1 prints nothing."""
    # about 10 s on a 2-core CPU: two spawned processes import torch and each train the three fast phases
    out = tmp_path / "t2i"
    (code0, code1), (log0, log1) = spawn(tmp_path, text2img_cli, ["train", "text2img", "--fast", "--precision",
                                                                  "fp32", "--device", "cpu", "--out", str(out)])
    assert (code0, code1) == (0, 0), log0 + log1
    assert log1 == "" and "wrote" in log0
    from course_lib.text2img.model import load

    model = load(out / "checkpoint.pt", device="cpu")
    assert list(model.extra["phases"]) == ["encoder", "tagger", "gan"] and (out / "samples.png").exists()


def test_train_flow_under_two_processes_writes_once_on_rank_0(tmp_path):
    """``train flow --fast`` on 2 ranks: both exit 0, rank 0 alone writes the flow file with both processes' random
    streams in its training state, rank 1 prints nothing."""
    # about 10 s on a 2-core CPU: two spawned processes import torch and each train 30 fast flow steps
    from text2img.edition_files import tiny_model

    from course_lib.text2img.model import load, save

    base, out = save(tmp_path / "base.pt", tiny_model()[0]), tmp_path / "flow"
    (code0, code1), (log0, log1) = spawn(tmp_path, flow_cli, ["train", "flow", "--fast", "--precision", "fp32",
                                                              "--device", "cpu", "--base", str(base), "--out",
                                                              str(out)])
    assert (code0, code1) == (0, 0), log0 + log1
    assert log1 == "" and "wrote" in log0 and (out / "samples.png").exists()
    model = load(out / "checkpoint.pt", device="cpu")
    assert model.kind == "flow" and list(model.extra["phases"]) == ["flow"]


def test_train_writes_one_checkpoint_on_rank_0_and_rank_1_prints_and_writes_nothing(tmp_path):
    """Each rank starts in its own folder with the same relative --out: only rank 0's gets files, and rank 1's
    stdout and stderr (progress bars go to stderr) stay empty."""
    # about 9 s on a 2-core CPU: two spawned processes import torch and each train the fast run
    argv = ["train", "dcgan", "--fast", "--batch-size", "16", "--device", "cpu", "--out", "run"]
    (code0, code1), (log0, log1) = spawn(tmp_path, train_cli, argv, group=False, own_cwd=True)
    assert (code0, code1) == (0, 0), log0 + log1
    assert sorted(p.name for p in (tmp_path / "rank1").iterdir()) == []
    assert log1 == ""
    files = {p.name for p in (tmp_path / "rank0" / "run").iterdir()}
    assert {"checkpoint.pt", "samples.png", "history.json", "losses.png"} <= files
    assert "batch 16 per process x 2 processes = 32 global" in log0 and "done at step 6" in log0
    ckpt = load_checkpoint(tmp_path / "rank0" / "run" / "checkpoint.pt")
    assert ckpt["world_size"] == 2 and len(ckpt["ranks"]) == 2 and ckpt["step"] == 6
    assert not torch.equal(ckpt["ranks"][0]["noise"], ckpt["ranks"][1]["noise"])  # seed + rank


def test_train_on_a_photo_folder_under_two_processes(tmp_path, monkeypatch):
    """``train dcgan --data DIR`` on 2 ranks: both read the folder (one cache file, written atomically), the
    global batch spans both, and rank 0 alone writes a checkpoint that keeps the folder record."""
    # about 8 s on a 2-core CPU: two spawned processes import torch and join a gloo group
    from course_lib.photos.folders import make_example_folder

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # inherited by the spawned ranks
    shop = make_example_folder(tmp_path / "shop", per_class=6, size=40)
    argv = ["train", "dcgan", "--data", str(shop), "--image-size", "32", "--channels", "3", "--batch-size", "4",
            "--epochs", "1", "--device", "cpu", "--out", "run"]
    (code0, code1), (log0, log1) = spawn(tmp_path / "ranks", train_cli, argv, group=False, own_cwd=True)
    assert (code0, code1) == (0, 0), log0 + log1
    assert log1 == "" and list((tmp_path / "ranks" / "rank1").iterdir()) == []
    assert "18 photos at 32 px, 3 channel(s)" in log0 and "batch 4 per process x 2 processes = 8 global" in log0
    ckpt = load_checkpoint(tmp_path / "ranks" / "rank0" / "run" / "checkpoint.pt")
    assert ckpt["world_size"] == 2 and ckpt["extra"]["data"]["image_size"] == 32
    assert ckpt["step"] == 2  # one epoch of 18 photos in global batches of 8 (the last partial batch dropped)
    assert len(list((tmp_path / "cache").rglob("*.pt"))) == 1


def test_resume_at_the_same_world_size_continues_bit_for_bit(tmp_path):
    # 8-10 s on a 2-core CPU: two spawned processes train three short runs (straight, cut, resumed)
    codes, logs = spawn(tmp_path, interrupted_and_straight, str(tmp_path))
    assert codes == [[0, 0, 0], [0, 0, 0]], logs
    straight, resumed = (load_checkpoint(tmp_path / name / "checkpoint.pt") for name in ("straight", "resumed"))
    assert straight["step"] == resumed["step"] == 4
    for key in ("generator", "discriminator"):
        assert_states_close(straight[key], resumed[key], exact=True)
    assert_states_close(straight["ema"]["module"], resumed["ema"]["module"], exact=True)
    assert torch.equal(straight["history"]["steps"], resumed["history"]["steps"])
    assert_states_close(straight["history"]["values"], resumed["history"]["values"], exact=True)
    assert_states_close(straight["opt_d"]["state"][0], resumed["opt_d"]["state"][0], exact=True)
    for was, now in zip(straight["ranks"], resumed["ranks"]):
        assert torch.equal(was["noise"], now["noise"]) and torch.equal(was["rng"]["torch"], now["rng"]["torch"])


def test_unet_trains_under_torchrun(tmp_path):
    """A real ``torchrun --standalone --nproc_per_node=2``: the U-Net with the PatchGAN (shared BatchNorm);
    torchrun's per-rank logs show that rank 1 printed nothing."""
    # 10-12 s on a 2-core CPU: a real launch, two fresh interpreters importing torch, gloo set-up
    out, logs = tmp_path / "unet", tmp_path / "logs"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node=2",
               "--log-dir", str(logs), "--redirects", "3", str(TESTS / "distributed_runs.py"), "train", "unet",
               "--device", "cpu", "--task", "denoise", "--fast", "--steps", "4", "--batch-size", "16", "--adversarial",
               "--out", str(out)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "OMP_NUM_THREADS": "1", "COURSE_FAST": "1"})
    outputs = {p.parent.name + "/" + p.name: p.read_text() for p in logs.rglob("std*.log")}
    assert done.returncode == 0, done.stderr[-3000:] + str(outputs)
    assert outputs["1/stdout.log"] == "" and outputs["1/stderr.log"] == "", outputs
    assert "batch 16 per process x 2 processes = 32 global" in outputs["0/stdout.log"]
    saved = load_unets_file(out / "checkpoint.pt")
    assert saved["extra"]["world_size"] == 2 and is_finished(saved["tasks"]["denoise"])
    assert {"samples.png", "history.json", "losses.png"} <= {p.name for p in out.iterdir()}


def test_a_checkpoint_of_another_world_size_is_refused(monkeypatch):
    trainer = tiny_trainer()
    trainer.run(2)
    state = trainer.state_dict()
    with pytest.raises(CheckpointError, match="written by 2 training process.*torchrun with nodes x processes"):
        tiny_trainer().load_state_dict({**state, "world_size": 2})
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(CheckpointError, match="written by 1 training process.*this run has 2.*one plain process"):
        trainer.load_state_dict(state)


def test_one_process_is_left_as_it_is():
    """Without a process group the helpers change nothing and BatchNorm stays BatchNorm."""
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 3, 3), torch.nn.BatchNorm2d(3))
    x = torch.randn(4, 1, 8, 8)
    plain = model(x)
    model[0].weight.grad = torch.ones_like(model[0].weight)
    average_gradients(model)
    assert torch.equal(model[0].weight.grad, torch.ones_like(model[0].weight))
    params = list(model.parameters())
    keys = model.state_dict().keys()
    share_batchnorm(model)
    assert isinstance(model[1], SharedBatchNorm2d) and list(model.parameters()) == params
    assert model.state_dict().keys() == keys
    model[1].reset_running_stats()
    torch.testing.assert_close(model(x), plain, rtol=0, atol=0)
    assert all_gather_objects({"a": 1}) == [{"a": 1}]


def test_torchrun_without_a_process_group_is_explained(monkeypatch):
    """Two processes that never joined a group would train apart without a word: refused."""
    monkeypatch.setenv("WORLD_SIZE", "2")
    with pytest.raises(RuntimeError, match="started 2 processes but they have not joined a process group"):
        tiny_trainer()


def test_a_unet_file_of_another_world_size_is_refused(monkeypatch):
    check_processes(None)
    check_processes({"extra": {"world_size": 1}})
    with pytest.raises(UserError, match="trained by 2 process.*this run has 1.*Resume with 2 process"):
        check_processes({"extra": {"world_size": 2}})
    monkeypatch.setenv("WORLD_SIZE", "2")
    check_processes({"extra": {"world_size": 2}})
    with pytest.raises(UserError, match="trained by 1 process.*this run has 2"):
        check_processes({"extra": {}})
