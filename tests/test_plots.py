"""course_lib.plots: grids, PNG bytes for widgets, and training curves (smoothed, NaN-safe)."""

import math

import matplotlib.pyplot as plt
import torch
from matplotlib.figure import Figure
from samples import filled_history as filled

from course_lib.plots import image_grid, plot_history, png_of, save_grid, show_images, smooth, to_unit


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


def test_smooth_is_a_trailing_mean_that_skips_nan():
    assert smooth([1.0, 3.0, 5.0, 7.0], window=2) == [1.0, 2.0, 4.0, 6.0]
    assert smooth([1.0, math.nan, 5.0], window=3) == [1.0, 1.0, 3.0]


def test_plot_history_draws_three_panels():
    fig = plot_history(filled(20))
    assert [ax.get_title() for ax in fig.axes] == ["losses", "D outputs", "gradient norms"]
    assert len(fig.axes[0].lines) == 4  # raw + smoothed for d_loss and g_loss
