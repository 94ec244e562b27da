"""course_lib.text2img.streams: the two random streams continue exactly after a state round trip."""

import pytest
import torch

from course_lib.serialization import CheckpointError
from course_lib.text2img.streams import Streams


def test_state_round_trip_continues_both_streams():
    a = Streams(5)
    a.captions.random(), torch.rand(3, generator=a.noise)
    state = a.state_dict()
    expected = (a.captions.random(), torch.rand(3, generator=a.noise))
    b = Streams(99)
    b.load_state_dict(state, "test")
    assert b.captions.random() == expected[0] and torch.equal(torch.rand(3, generator=b.noise), expected[1])


def test_another_number_of_processes_is_refused():
    state = {**Streams(0).state_dict(), "world_size": 2}
    with pytest.raises(CheckpointError, match="flow state was written by 2 process"):
        Streams(0).load_state_dict(state, "flow")
