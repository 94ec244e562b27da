"""course_lib.unet_runner: parsing --task and --strength, comparing runs, history columns."""

import pytest
import torch

from course_lib.cli import UserError
from course_lib.editing import TASKS
from course_lib.unet_runner import differences, history_columns, parse_strength, parse_tasks


def test_parse_tasks():
    assert parse_tasks("denoise") == ("denoise",)
    assert parse_tasks("all") == TASKS
    assert parse_tasks("inpaint, deblur") == ("inpaint", "deblur")
    for bad in (None, "sharpen", "denoise,denoise", ""):
        with pytest.raises(UserError, match="--task"):
            parse_tasks(bad)


def test_parse_strength():
    assert parse_strength("0,1") == (0.0, 1.0)
    assert parse_strength("0.5") == (0.5, 0.5)
    assert parse_strength("0.2,0.8") == (0.2, 0.8)
    for bad in ("1.5", "-0.1", "0.8,0.2", "0,0.5,1", "x", "nan"):
        with pytest.raises(UserError, match="expected LOW,HIGH"):
            parse_strength(bad)


def test_differences_name_every_changed_leaf():
    saved = {"fit": {"lr": 0.001, "strength": (0.0, 1.0)}, "tasks": ["denoise"], "batch_size": 64}
    assert differences(saved, {"fit": {"lr": 0.001, "strength": [0.0, 1.0]}, "tasks": ("denoise",),
                               "batch_size": 64}) == []
    assert differences(saved, {"fit": {"lr": 0.01, "strength": (0.0, 1.0)}, "tasks": ["inpaint"],
                               "batch_size": 64}) == [
        "fit.lr: checkpoint 0.001, this run 0.01", "tasks: checkpoint ['denoise'], this run ['inpaint']"]


def test_history_columns():
    records = [{"step": 0, "task": "denoise", "l1": 0.5}, {"step": 1, "task": "denoise", "l1": 0.25}]
    columns = history_columns(records)
    assert set(columns) == {"step", "l1"}
    torch.testing.assert_close(columns["l1"], torch.tensor([0.5, 0.25], dtype=torch.float64), rtol=0, atol=0)
    assert history_columns([]) == {}
