"""course_lib.gan.rng: the random states a run saves come back exactly, from a file read with weights_only."""

import io
import os
import random

import numpy as np
import torch

from course_lib.gan.rng import load_rng_owner_state, rng_owner_state, rng_states, set_rng_states


def through_a_file(state):
    buffer = io.BytesIO()
    torch.save(state, buffer)
    buffer.seek(0)
    return torch.load(buffer, weights_only=True)


def test_rng_states_round_trip():
    state = through_a_file(rng_states())
    expected = (random.random(), np.random.rand(), torch.rand(1))
    set_rng_states(state)
    assert (random.random(), np.random.rand()) == expected[:2] and torch.equal(torch.rand(1), expected[2])
    assert os.environ.get("RANK", "0") == "0"


class OwnsAGenerator:
    def __init__(self):
        self.generator = torch.Generator().manual_seed(3)


def test_an_owners_generator_state_round_trips():
    owner = OwnsAGenerator()
    state = through_a_file(rng_owner_state(owner))
    expected = torch.rand(3, generator=owner.generator)
    load_rng_owner_state(owner, state)
    assert torch.equal(torch.rand(3, generator=owner.generator), expected)
    assert rng_owner_state(lambda x: x) is None
