"""course_lib.gan.callbacks: events in order, each callback called with the trainer, unknown events refused."""

import pytest

from course_lib.gan.callbacks import EVENTS, Callbacks


class Loop(Callbacks):
    def __init__(self):
        self.step = 0
        self.init_callbacks()


def test_callbacks_fire_in_the_order_added_with_the_trainer():
    loop, seen = Loop(), []
    loop.add_callback("on_log", lambda t: seen.append(("a", t.step)))
    loop.add_callback("on_log", lambda t: seen.append(("b", t.step)))
    loop.add_callback("on_step_end", lambda t: seen.append(("step", t.step)))
    loop.step = 3
    loop.fire("on_log")
    assert seen == [("a", 3), ("b", 3)]
    loop.fire("on_epoch_end")  # nothing registered: nothing happens
    assert seen == [("a", 3), ("b", 3)] and EVENTS == ("on_step_end", "on_log", "on_epoch_end")


def test_unknown_events_are_refused_with_the_list():
    with pytest.raises(ValueError, match="unknown event 'on_batch_end'; events: on_step_end, on_log, on_epoch_end"):
        Loop().add_callback("on_batch_end", print)
