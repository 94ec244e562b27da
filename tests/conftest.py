"""Unit-test helpers. Being here puts tests/ on sys.path, so test files can import ``idx_files``."""

import pytest
import torch


@pytest.fixture(autouse=True)
def _seeded():
    """Every test starts from the same global RNG state."""
    torch.manual_seed(0)
