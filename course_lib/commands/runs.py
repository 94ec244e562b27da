"""The output folder of one training run (``train``, ``finetune``): one run at a time, and no finished run
overwritten by mistake.

``with RunFolder(out, args.resume) as folder:`` around a command's training takes an exclusive lock on
``OUT/.lock`` for the whole run and writes the holder (pid, host, start time, command line) into it. A second
run into the same folder is refused at once, naming the first; a folder with a checkpoint is refused without
``--resume``. The OS releases the lock when the process ends, however it ends (Ctrl-C, an error, a kill), so
there are no stale locks to delete. Writes that fail (full disk, read-only folder) are ``WriteError``s.
``folder.train(train, save)`` gives every command the same exit codes: 0, 130 after Ctrl-C (saved, continue
with ``--resume``) and 1 for a non-finite loss (nothing saved: the last checkpoint is intact).
"""

from __future__ import annotations

import os
import shlex
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

import torch.distributed as dist

from ..gan.health import NonFiniteLossError
from ..runtime import is_distributed, is_main_process, say
from ..serialization import WriteError, write_failure
from . import UserError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

LOCK_NAME = ".lock"
# msvcrt locks are mandatory (a locked byte cannot even be read): lock one byte past the holder's text
WINDOWS_LOCK_BYTE = 1 << 20


class RunFolder:
    """``out`` of one training run, locked while it runs; ``checkpoint`` is ``out/checkpoint.pt``.

    Entering refuses (UserError, exit 2) a folder another run holds, and a finished run's folder without
    ``resume``; a folder that cannot be written is a WriteError (exit 1). A WriteError during the run gets
    the way to continue added. Under torchrun only rank 0 locks (it alone writes). POSIX locks with
    ``fcntl.flock``, Windows with ``msvcrt.locking``; the lock file stays when the run ends (deleting it
    would let a third run lock a new file while a second holds the old one).
    """

    def __init__(self, out, resume: bool = False):
        self.out, self.resume = Path(out), bool(resume)
        self.checkpoint = self.out / "checkpoint.pt"
        self.lock_file = self.out / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> RunFolder:
        refusal = None
        try:
            if is_main_process():
                self.lock()
            if self.checkpoint.exists() and not self.resume:
                self.unlock()
                raise UserError(f"{self.checkpoint} already exists: add --resume to continue it, or pick another "
                                "--out (or delete the folder to start over).")
        except (UserError, WriteError) as err:
            refusal = err
        refusal = from_rank_0(refusal)  # under torchrun every process stops when rank 0 cannot take the folder
        if refusal is not None:
            raise refusal
        return self

    def __exit__(self, kind, err, traceback) -> None:
        self.unlock()
        if isinstance(err, WriteError) and self.checkpoint.exists():
            raise WriteError(f"{err} Once the folder can be written again, add --resume to continue from "
                             f"{self.checkpoint}.") from err

    def train(self, train: Callable[[], object], save: Callable[[], object],
              where: Callable[[], str] = lambda: "") -> int:
        """The exit code of ``train()`` then ``save()``: 0; on Ctrl-C (the loop stopped after a step) ``save()``,
        then 130; on a non-finite loss its message and 1. ``where()``: ' at step N' for the messages."""
        try:
            try:
                train()
            except KeyboardInterrupt:
                save()
                say(f"interrupted{where()}: saved {self.checkpoint}; continue with --resume")
                return 130
        except NonFiniteLossError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
        save()
        return 0

    def check_same_run(self, saved: dict, now: dict) -> None:
        """Refuse to resume when this run's settings (plain values, nested dicts) differ from the checkpoint's,
        naming every difference."""
        problems = differences(saved, now)
        if problems:
            raise UserError(f"{self.checkpoint} was trained with other settings ({'; '.join(problems)}): resume with "
                            "the same flags, or start a new run in another --out folder.")

    def lock(self) -> None:
        """Take the lock without waiting and write the holder into it; UserError naming the holder if busy."""
        try:
            self.out.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_file, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as err:
            raise self.unwritable(err) from err
        try:
            taken = try_lock(fd)
        except OSError as err:  # a file system without locks (some network mounts): run, but say so
            say(f"warning: {self.lock_file} cannot be locked ({err.strerror}); two runs into {self.out} at once "
                "would overwrite each other's files.")
            taken = True
        if not taken:
            os.close(fd)
            raise UserError(f"{self.out} is in use by another run ({holder(self.lock_file)}). Wait for it to finish, "
                            "or pick another --out.")
        self._fd = fd
        try:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, holder_text().encode())
        except OSError as err:
            self.unlock()
            raise self.unwritable(err) from err

    def unlock(self) -> None:
        """Release the lock (a no-op when not held), emptying the holder's text."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            os.ftruncate(fd, 0)
            if fcntl is None:
                os.lseek(fd, WINDOWS_LOCK_BYTE, os.SEEK_SET)
                msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        except OSError:
            pass  # closing the file releases the lock all the same
        finally:
            os.close(fd)

    def unwritable(self, err: OSError) -> WriteError:
        """The WriteError for a run folder that cannot hold its lock file."""
        cause = write_failure(err)
        fix = "free some space" if "space" in cause or "quota" in cause else "make it writable"
        return WriteError(f"could not write into {self.out}: {cause} (a run keeps its lock file {LOCK_NAME} "
                          f"there). Pick another --out, or {fix}.")


def differences(saved, now, prefix: str = "") -> list[str]:
    """'key: checkpoint X, this run Y' for every leaf where two nested dicts differ."""
    if isinstance(saved, dict) and isinstance(now, dict):
        return [d for key in sorted(set(saved) | set(now))
                for d in differences(saved.get(key), now.get(key), f"{prefix}{key}.")]
    same = list(saved) == list(now) if isinstance(saved, (list, tuple)) and isinstance(now, (list, tuple)) \
        else saved == now
    return [] if same else [f"{prefix[:-1]}: checkpoint {saved!r}, this run {now!r}"]


def from_rank_0(err: Exception | None) -> Exception | None:
    """Rank 0's refusal (a UserError or WriteError, or None) on every torchrun process; alone, ``err`` itself."""
    if not is_distributed():
        return err
    box = [None if err is None else (isinstance(err, WriteError), str(err))]
    dist.broadcast_object_list(box, src=0)
    if box[0] is None:
        return None
    is_write_error, text = box[0]
    return WriteError(text) if is_write_error else UserError(text)


def try_lock(fd: int) -> bool:
    """Lock ``fd`` exclusively without waiting: False when another process (or another open) holds it."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    os.lseek(fd, WINDOWS_LOCK_BYTE, os.SEEK_SET)
    try:
        msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except PermissionError:  # msvcrt's "locked by another process" (EACCES)
        return False
    return True


def holder_text() -> str:
    """What the lock file says about this process: pid, host, start time and command line, one per line."""
    command = shlex.join(getattr(sys, "orig_argv", None) or [sys.executable, *sys.argv]).replace("\n", " ")
    return (f"pid: {os.getpid()}\nhost: {socket.gethostname()}\nstarted: {time.strftime('%Y-%m-%d %H:%M:%S')}\n"
            f"command: {command}\n")


def holder(lock_file: Path) -> str:
    """'pid 123 on host, started 2025-01-31 12:00:00: python -m course_lib train ...' from a lock file."""
    try:
        fields = dict(line.split(": ", 1) for line in lock_file.read_text().splitlines() if ": " in line)
    except OSError:
        fields = {}
    if "pid" not in fields:
        return "it has not written its details yet"
    return (f"pid {fields['pid']} on {fields.get('host', '?')}, started {fields.get('started', '?')}: "
            f"{fields.get('command', '?')}")
