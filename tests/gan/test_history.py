"""History: per-step values gathered on the device, read in blocks, saved, plotted."""

import json
import math

import pytest
import torch
from samples import filled_history as filled

from course_lib.gan.history import History


def test_push_then_flush_returns_the_new_rows():
    history = filled(3)
    assert len(history) == 3 and history.steps == []  # nothing read yet
    rows = history.flush()
    assert rows["step"] == [1, 2, 3] and rows["d_loss"] == [1.0, 2.0, 3.0]
    assert history["g_loss"] == [2.0, 4.0, 6.0] and history.flush()["step"] == []
    assert history.mean("d_loss", last=2) == 2.5 and math.isnan(History().mean("d_loss", 3))


def test_keys_are_fixed_by_the_first_push():
    history = filled(1)
    with pytest.raises(ValueError, match="history holds"):
        history.push(2, {"d_loss": torch.tensor(1.0)})


def test_state_dict_round_trip_and_json(tmp_path):
    history = filled(4)
    history.push(5, {k: torch.tensor(float("nan")) for k in history.keys()})
    copy = History()
    copy.load_state_dict(history.state_dict())
    assert copy.steps == history.steps and copy["d_fake"][:4] == history["d_fake"][:4] == [0.25] * 4
    assert math.isnan(copy["d_fake"][4])
    history.save_json(tmp_path / "h.json")
    saved = json.loads((tmp_path / "h.json").read_text())
    assert saved["step"] == [1, 2, 3, 4, 5] and saved["d_loss"][-1] is None and saved["d_loss"][0] == 1.0






def test_a_sparse_column_survives_the_state_dict_and_lines_up_in_json(tmp_path):
    history = filled(4)
    history.record(2, "fid", 30.5)
    history.record(4, "fid", 20.25)
    with pytest.raises(ValueError, match="per-step column"):
        history.record(4, "d_loss", 1.0)
    torch.save(history.state_dict(), tmp_path / "h.pt")
    copy = History()
    copy.load_state_dict(torch.load(tmp_path / "h.pt", weights_only=True))
    assert copy.sparse == {"fid": {2: 30.5, 4: 20.25}} and copy.keys() == history.keys()
    assert "fid" not in history.flush()  # the per-step rows (and their finiteness check) never see it
    saved = copy.to_json()
    assert saved["step"] == [1, 2, 3, 4] and saved["fid"] == [None, 30.5, None, 20.25]
    old = History()
    old.load_state_dict({key: value for key, value in history.state_dict().items() if key != "sparse"})
    assert old.sparse == {} and "fid" not in old.to_json()  # a checkpoint written before sparse columns
