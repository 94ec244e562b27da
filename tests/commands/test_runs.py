"""commands.runs.RunFolder: one run per folder (a second is refused at once, naming the first), a finished run
not overwritten, and disk errors (full, read-only) as one line with exit 1 and the previous checkpoint intact.

Nothing here trains: the four commands are refused before they load anything, and the disk tests stub the run."""

import errno
import multiprocessing
import os

import pytest
import torch

from course_lib import serialization
from course_lib.commands import UserError, runs, train_gan
from course_lib.commands.cli import main
from course_lib.commands.runs import RunFolder, differences
from course_lib.serialization import WriteError, atomic_save

ENFORCE = "[enforce fail at inline_container.cc:672] . unexpected pos 25152 vs 25104"


def commands(out, base):
    """The four training commands into ``out``, each as the shortest line that gets to its run folder."""
    return {"gan": ["train", "dcgan", "--fast", "--out", str(out)],
            "unet": ["train", "unet", "--task", "denoise", "--fast", "--out", str(out)],
            "text2img": ["train", "text2img", "--fast", "--device", "cpu", "--out", str(out)],
            "finetune": ["finetune", str(base), "--category", "9", "--n", "5", "--fast", "--out", str(out)]}


@pytest.mark.parametrize("command", ["gan", "unet", "text2img", "finetune"])
def test_every_command_refuses_a_finished_run_and_a_busy_folder(command, tmp_path, capsys):
    out = tmp_path / "run"
    out.mkdir()
    (out / "checkpoint.pt").write_bytes(b"a finished run")
    argv = commands(out, tmp_path / "base.pt")[command]
    assert main(argv) == 2
    assert f"error: {out / 'checkpoint.pt'} already exists: add --resume to continue it, or pick another --out (or " \
           "delete the folder to start over).\n" in capsys.readouterr().err
    (out / "checkpoint.pt").unlink()
    with RunFolder(out):  # another run (this process, through another open file) holds the folder
        assert main(argv) == 2
    err = capsys.readouterr().err
    assert f"error: {out} is in use by another run (pid {os.getpid()} on " in err
    assert "Wait for it to finish, or pick another --out." in err and "Traceback" not in err
    assert sorted(os.listdir(out)) == [".lock"]


def hold(folder, ready, release):
    """The first run, in a child process: hold ``folder`` until ``release`` is set."""
    with RunFolder(folder):
        ready.set()
        release.wait(30)


def test_two_runs_at_once_the_second_is_refused_until_the_first_ends(tmp_path, capsys):
    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("needs fork: a spawned child would import torch again (seconds)")
    context = multiprocessing.get_context("fork")
    ready, release = context.Event(), context.Event()
    child = context.Process(target=hold, args=(tmp_path / "run", ready, release))
    child.start()
    try:
        assert ready.wait(20)
        assert f"pid: {child.pid}\n" in (tmp_path / "run" / ".lock").read_text()
        assert main(["train", "dcgan", "--out", str(tmp_path / "run"), "--fast"]) == 2
        err = capsys.readouterr().err
        assert f"is in use by another run (pid {child.pid} on " in err and ", started " in err
    finally:
        release.set()
        child.join(20)
    assert child.exitcode == 0 and (tmp_path / "run" / ".lock").read_text() == ""  # emptied on release
    with RunFolder(tmp_path / "run") as folder:  # free again
        assert f"pid: {os.getpid()}\n" in folder.lock_file.read_text()


@pytest.mark.parametrize("error", [KeyboardInterrupt, RuntimeError])
def test_the_lock_lasts_the_run_and_ends_with_it_on_ctrl_c_and_errors(error, tmp_path):
    with pytest.raises(error):
        with RunFolder(tmp_path) as folder:
            assert folder.checkpoint == tmp_path / "checkpoint.pt"
            with pytest.raises(UserError, match=r"is in use by another run \(pid .* started .*: .*\)"):
                RunFolder(tmp_path).__enter__()
            raise error
    with RunFolder(tmp_path):
        pass


def test_a_finished_run_is_refused_without_resume_and_leaves_the_folder_free(tmp_path):
    (tmp_path / "checkpoint.pt").write_bytes(b"a finished run")
    with pytest.raises(UserError, match="already exists: add --resume"):
        RunFolder(tmp_path).__enter__()
    with RunFolder(tmp_path, resume=True):  # the refusal released the lock
        pass


def test_under_torchrun_only_rank_0_locks(tmp_path, monkeypatch):
    with RunFolder(tmp_path):
        monkeypatch.setenv("RANK", "1")
        with RunFolder(tmp_path):
            assert f"pid: {os.getpid()}\n" in (tmp_path / ".lock").read_text()  # rank 0's, untouched


def stub_run(write):
    """A training run that saves one checkpoint through ``atomic_save`` with ``write`` (instead of torch.save)."""
    return lambda folder, recipe, args: atomic_save({"step": torch.tensor(2)}, folder.checkpoint, write=write)


def full_disk(obj, f):
    """torch.save on a full disk: some bytes written, then torch's zip writer gives up."""
    f.write(b"PK\x03\x04 half a checkpoint")
    raise RuntimeError(ENFORCE)


@pytest.fixture
def previous(tmp_path):
    """A run folder with a checkpoint in it (its lock file made by a first run); (folder, checkpoint bytes)."""
    with RunFolder(tmp_path / "run") as folder:
        atomic_save({"step": torch.tensor(1)}, folder.checkpoint)
    return folder.out, folder.checkpoint.read_bytes()


def test_a_full_disk_exits_1_with_one_line_and_the_previous_checkpoint_intact(previous, monkeypatch, capsys):
    out, before = previous
    monkeypatch.setattr(train_gan, "train_into", stub_run(full_disk))
    assert main(["train", "dcgan", "--out", str(out), "--resume"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: could not write {out / 'checkpoint.pt'}: torch could not finish writing it "
                          f"({ENFORCE}); the disk is probably full. Nothing half-written is left; the previous "
                          "checkpoint.pt there is intact. Once the folder can be written again, add --resume to "
                          f"continue from {out / 'checkpoint.pt'}.\n")
    assert "Traceback" not in err and len(err.splitlines()) == 2  # the error and the COURSE_DEBUG hint
    assert (out / "checkpoint.pt").read_bytes() == before and sorted(os.listdir(out)) == [".lock", "checkpoint.pt"]
    monkeypatch.setenv("COURSE_DEBUG", "1")
    with pytest.raises(WriteError):
        main(["train", "dcgan", "--out", str(out), "--resume"])


def test_a_read_only_folder_exits_1_and_the_previous_checkpoint_stays(previous, monkeypatch, capsys):
    out, before = previous
    monkeypatch.setattr(train_gan, "train_into", stub_run(torch.save))
    if os.geteuid() == 0:  # root writes into a 0o500 folder all the same: refuse the rename as the OS would
        def refuse(src, dst):
            raise PermissionError(errno.EACCES, "Permission denied", str(dst))
        monkeypatch.setattr(serialization.os, "replace", refuse)
    else:
        out.chmod(0o500)
    try:
        assert main(["train", "dcgan", "--out", str(out), "--resume"]) == 1
    finally:
        out.chmod(0o700)
    err = capsys.readouterr().err
    assert err.startswith(f"error: could not write {out / 'checkpoint.pt'}: permission denied. Nothing half-written "
                          "is left; the previous checkpoint.pt there is intact.")
    assert (out / "checkpoint.pt").read_bytes() == before and sorted(os.listdir(out)) == [".lock", "checkpoint.pt"]


def test_a_folder_that_cannot_hold_the_lock_file_is_a_write_error(tmp_path, monkeypatch):
    if os.geteuid() == 0:
        def read_only(*args, **kwargs):
            raise OSError(errno.EROFS, "Read-only file system")
        monkeypatch.setattr(runs.os, "open", read_only)
        cause = "read-only file system"
    else:
        tmp_path.chmod(0o500)
        cause = "permission denied"
    try:
        with pytest.raises(WriteError, match=f"could not write into {tmp_path / 'run'}: {cause} \\(a run keeps its "
                                             "lock file .lock there\\). Pick another --out, or make it "
                                             "writable."):
            RunFolder(tmp_path / "run").__enter__()
    finally:
        tmp_path.chmod(0o700)


def test_every_command_ends_with_the_same_exit_codes(tmp_path, capsys):
    from course_lib.gan.health import NonFiniteLossError

    saved = []

    def fails(err):
        def train():
            raise err
        return train

    with RunFolder(tmp_path / "run") as folder:
        assert folder.train(lambda: None, lambda: saved.append("done")) == 0
        assert folder.train(fails(KeyboardInterrupt()), lambda: saved.append("ctrl-c"), lambda: " at step 7") == 130
        assert folder.train(fails(NonFiniteLossError(3, "d_loss", float("nan"))), lambda: saved.append("nan")) == 1
    assert saved == ["done", "ctrl-c"]  # a non-finite state is never saved
    out = capsys.readouterr()
    assert f"interrupted at step 7: saved {tmp_path / 'run' / 'checkpoint.pt'}; continue with --resume" in out.out
    assert "error: d_loss became nan at step 3" in out.err


def test_differences_name_every_changed_leaf():
    saved = {"fit": {"lr": 0.001, "strength": (0.0, 1.0)}, "tasks": ["denoise"], "batch_size": 64}
    assert differences(saved, {"fit": {"lr": 0.001, "strength": [0.0, 1.0]}, "tasks": ("denoise",),
                               "batch_size": 64}) == []
    assert differences(saved, {"fit": {"lr": 0.01, "strength": (0.0, 1.0)}, "tasks": ["inpaint"],
                               "batch_size": 64}) == [
        "fit.lr: checkpoint 0.001, this run 0.01", "tasks: checkpoint ['denoise'], this run ['inpaint']"]


def test_under_torchrun_every_process_stops_when_rank_0_is_refused(tmp_path, monkeypatch):
    """Rank 1 sees a free folder of its own view, but rank 0 was refused: the refusal reaches rank 1 (through
    ``broadcast_object_list``, here played by hand) and it stops too, rather than train and wait for rank 0."""
    sent = []

    def broadcast_object_list(box, src):
        assert src == 0
        if sent:  # rank 1 receives what rank 0 sent
            box[0] = sent[0]
        else:
            sent.append(box[0])

    monkeypatch.setattr(runs, "is_distributed", lambda: True)
    monkeypatch.setattr(runs.dist, "broadcast_object_list", broadcast_object_list)
    atomic_save({"step": 1}, tmp_path / "run" / "checkpoint.pt")
    with pytest.raises(UserError, match="already exists"), RunFolder(tmp_path / "run"):  # rank 0
        pass
    monkeypatch.setattr(runs, "is_main_process", lambda: False)
    with pytest.raises(UserError, match="already exists"), RunFolder(tmp_path / "rank1_view"):  # rank 1: no file
        pass
