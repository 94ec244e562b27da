"""course_lib.text2img.colour: balanced deterministic colours, shading kept, the colour read back from the image
for >= 95 % of the catalog, and the classifier reading the edition within 3 points of the grey originals."""

import torch

from course_lib.text2img.colour import COLOURS, assign_colours, luminance_view, measure_colour, tint


def test_colours_are_balanced_within_each_category_and_deterministic():
    labels = torch.arange(160) % 10
    colours = assign_colours(labels)
    assert torch.equal(colours, assign_colours(labels)) and not torch.equal(colours, assign_colours(labels, seed=1))
    for k in range(10):
        assert torch.bincount(colours[labels == k], minlength=len(COLOURS)).tolist() == [2] * len(COLOURS)


def test_tint_keeps_the_shading_and_a_white_background():
    grey = torch.zeros(1, 28, 28, dtype=torch.uint8)
    grey[0, 10:20, 10:20] = 255
    grey[0, 10:20, 15:20] = 100  # a darker part of the product
    red = tint(grey, torch.tensor([COLOURS.index("red")]))
    assert red.shape == (1, 3, 28, 28) and red[0, :, 0, 0].tolist() == [255, 255, 255]
    assert red[0, :, 12, 12].tolist() == [205, 30, 35]  # full ink: the palette colour
    assert red[0, 1, 12, 17] > red[0, 1, 12, 12]  # the darker grey part is thinner ink: lighter
    assert torch.equal(luminance_view(red)[0] > 0, grey[0] > 0)


def test_the_measured_colour_recovers_the_assigned_one_on_the_real_catalog():
    from course_lib.data import load_fashion_mnist

    images, labels = load_fashion_mnist().split("test")
    colours = assign_colours(labels)
    recovered = (measure_colour(tint(images, colours)) == colours).float().mean().item()
    assert 0.95 <= recovered <= 1.0, recovered


def test_the_classifier_reads_the_edition_within_three_points():
    from course_lib.data import load_fashion_mnist, to_float
    from course_lib.models.classifier import load_classifier

    images, labels = load_fashion_mnist().split("test")
    edition = tint(images, assign_colours(labels))
    classifier = load_classifier()
    with torch.no_grad():
        grey = (classifier(to_float(images)).argmax(1) == labels).float().mean().item()
        colour = (classifier(to_float(luminance_view(edition))).argmax(1) == labels).float().mean().item()
    assert abs(grey - colour) <= 0.03, (grey, colour)
