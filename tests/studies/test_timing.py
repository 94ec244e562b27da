"""course_lib.studies.timing: the studies' one clock times the call it is given, and a run of training steps
with its statistics flushed inside the clock."""

import time

import torch

from course_lib.studies.timing import timed, timed_steps


def test_timed_measures_the_call():
    calls = []
    seconds = timed(lambda x: calls.append(x) or time.sleep(0.05), 7)
    assert calls == [7] and 0.05 <= seconds < 5


class FakeTrainer:
    """Counts steps; flush() copies the pending statistics, as the loop does."""

    def __init__(self):
        self.step, self.pending, self.flushed, self.progress = 0, 0, 0, None

    def run(self, count, progress=True):
        self.step, self.pending, self.progress = self.step + count, self.pending + count, progress

    def flush(self):
        self.flushed, self.pending = self.flushed + self.pending, 0


def test_timed_steps_runs_the_steps_quietly_and_flushes_inside_the_clock():
    trainer = FakeTrainer()
    seconds = timed_steps(trainer, 5, torch.device("cpu"))
    assert trainer.step == 5 and trainer.flushed == 5 and trainer.pending == 0 and trainer.progress is False
    assert seconds >= 0
