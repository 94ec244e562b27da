"""course_lib.editing.training: the history columns a U-Net file stores."""

import torch

from course_lib.editing.training import history_columns
from course_lib.gan.history import History


def test_history_columns():
    history = History()
    for step, l1 in ((1, 0.5), (2, 0.25)):
        history.push(step, {"l1": torch.tensor(l1)})
    columns = history_columns(history)
    assert set(columns) == {"step", "l1"}
    torch.testing.assert_close(columns["l1"], torch.tensor([0.5, 0.25], dtype=torch.float64), rtol=0, atol=0)
    torch.testing.assert_close(columns["step"], torch.tensor([1.0, 2.0], dtype=torch.float64), rtol=0, atol=0)
    assert set(history_columns(History())) == {"step"}
