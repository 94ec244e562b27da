"""course_lib.plots: grids, PNG bytes for widgets, and training curves (smoothed, NaN-safe)."""

import errno
import math
import os

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure
from samples import filled_history as filled

from course_lib import plots
from course_lib.plots import image_grid, plot_history, png_of, save_figure, save_grid, show_images, smooth, to_unit
from course_lib.serialization import WriteError


def test_to_unit_and_the_grid_shape():
    images = torch.tensor([-1.0, 0.0, 1.0, 3.0]).view(4, 1, 1, 1).expand(4, 1, 2, 2)
    assert to_unit(images)[:, 0, 0, 0].tolist() == [0.0, 0.5, 1.0, 1.0]
    assert image_grid(torch.zeros(10, 1, 28, 28), nrow=5).shape == (3, 2 * 30 + 2, 5 * 30 + 2)


def test_png_of_gives_png_bytes_and_closes_pyplot_figures(tmp_path):
    fig = plt.figure()
    show_images(torch.zeros(3, 1, 28, 28), nrow=3, ax=fig.subplots())
    data = png_of(fig, dpi=50)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and not plt.fignum_exists(fig.number)
    tight = png_of(Figure(figsize=(2, 2)), dpi=50, tight=True)
    assert tight[:4] == b"\x89PNG"
    save_grid(torch.zeros(4, 1, 28, 28), tmp_path / "grid.png", nrow=2)
    assert (tmp_path / "grid.png").read_bytes()[:4] == b"\x89PNG"


def test_grids_and_figures_are_written_atomically(tmp_path, monkeypatch):
    """A full disk while writing a grid or a figure leaves the previous file and no temporary one."""
    first = plt.figure(figsize=(2, 2))
    save_figure(first, tmp_path / "curves.png", dpi=20)
    save_grid(torch.zeros(4, 1, 28, 28), tmp_path / "grid.png", nrow=2)
    before = {name: (tmp_path / name).read_bytes() for name in ("curves.png", "grid.png")}
    assert before["curves.png"][:4] == b"\x89PNG" and not plt.fignum_exists(first.number)

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(plots, "save_image", no_space)
    with pytest.raises(WriteError, match="grid.png: no space left on device.* the previous grid.png there is intact"):
        save_grid(torch.ones(4, 1, 28, 28), tmp_path / "grid.png", nrow=2)
    fig = plt.figure(figsize=(2, 2))
    monkeypatch.setattr(fig, "savefig", no_space)
    with pytest.raises(WriteError, match="curves.png: no space left on device"):
        save_figure(fig, tmp_path / "curves.png")
    plt.close(fig)
    assert {name: (tmp_path / name).read_bytes() for name in sorted(os.listdir(tmp_path))} == before


def test_smooth_is_a_trailing_mean_that_skips_nan():
    assert smooth([1.0, 3.0, 5.0, 7.0], window=2) == [1.0, 2.0, 4.0, 6.0]
    assert smooth([1.0, math.nan, 5.0], window=3) == [1.0, 1.0, 3.0]


def test_plot_history_draws_three_panels():
    fig = plot_history(filled(20))
    assert [ax.get_title() for ax in fig.axes] == ["losses", "D outputs", "gradient norms"]
    assert len(fig.axes[0].lines) == 4  # raw + smoothed for d_loss and g_loss
