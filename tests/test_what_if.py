"""The "what if?" step's pure maths (ui/what_if.py): change map, heat colours, spot placement, ring."""

from __future__ import annotations

import numpy as np
import pytest

from ui import what_if


def test_change_is_the_distance_on_the_ab_plane() -> None:
    before = np.zeros((2, 2, 3), dtype=np.float32)
    after = before.copy()
    after[:, 0, 0] = (3.0, 4.0)  # a 3-4-5 triangle
    after[:, 1, 2] = (-6.0, 8.0)
    change = what_if.change_magnitude(before, after)
    assert change.shape == (2, 3) and change.dtype == np.float32
    assert change[0, 0] == 5.0 and change[1, 2] == 10.0
    assert change.sum() == 15.0, "pixels that did not move stay at 0"
    assert np.array_equal(change, what_if.change_magnitude(after, before)), "the distance has no direction"


@pytest.mark.parametrize(
    ("before", "after", "message"),
    [((3, 4, 5), (3, 4, 5), r"\(2, H, W\)"), ((2, 4), (2, 4), r"\(2, H, W\)"), ((2, 4, 5), (2, 5, 4), "differ")],
)
def test_change_refuses_planes_that_do_not_match(before, after, message) -> None:
    with pytest.raises(ValueError, match=message):
        what_if.change_magnitude(np.zeros(before), np.zeros(after))


def test_heat_colours_run_from_black_to_pale_yellow() -> None:
    scale = what_if.HEAT_FULL_SCALE
    change = np.array([[0.0, scale / 4, scale / 2, scale, 3 * scale, np.nan]])
    heat = what_if.heat_image(change)
    assert heat.shape == (1, 6, 3) and heat.dtype == np.uint8
    assert [tuple(int(v) for v in px) for px in heat[0]] == [
        (0, 0, 4), (87, 16, 110), (188, 55, 84), (252, 255, 164), (252, 255, 164), (0, 0, 4)]
    # Brighter means more change, all the way up.
    ramp = what_if.heat_image(np.linspace(0, scale, 50)[None]).astype(int).sum(axis=2)[0]
    assert np.all(np.diff(ramp) >= 0) and ramp[-1] > ramp[0]
    # Another full scale stretches the same colours.
    assert np.array_equal(what_if.heat_image(change * 2, full_scale=2 * scale)[0, :4], heat[0, :4])


def test_heat_image_refuses_bad_input() -> None:
    with pytest.raises(ValueError, match="positive"):
        what_if.heat_image(np.zeros((2, 2)), full_scale=0)
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        what_if.heat_image(np.zeros((2, 2, 2)))


def test_changed_share() -> None:
    change = np.array([[0.0, what_if.CHANGED_AT, what_if.CHANGED_AT + 0.1, 80.0]])
    assert what_if.changed_share(change) == 0.5  # "more than" the threshold
    assert what_if.changed_share(change, threshold=-1) == 1.0
    assert what_if.changed_share(np.zeros((0, 0))) == 0.0


def test_slider_point_stays_inside_the_photo() -> None:
    assert what_if.slider_point(0, 0, 800, 730) == (0.0, 0.0)
    assert what_if.slider_point(100, 100, 800, 730) == (799.0, 729.0)
    assert what_if.slider_point(50, 65, 800, 730) == (399.5, 473.9)
    assert what_if.slider_point(50, 50, 1, 1) == (0.0, 0.0)
    for bad in ((-1, 50), (50, 100.5)):
        with pytest.raises(ValueError, match="between 0 and 100"):
            what_if.slider_point(*bad, 800, 730)
    with pytest.raises(ValueError, match="1x1"):
        what_if.slider_point(50, 50, 0, 10)


def test_scale_point_keeps_pixel_centres() -> None:
    assert what_if.scale_point((10.0, 20.0), (800, 600), (800, 600)) == (10.0, 20.0)
    # Photo pixels 0 and 1 shown as one pixel: their shared edge maps to that pixel's centre.
    assert what_if.scale_point((0.5, 0.5), (800, 600), (400, 300)) == (0.0, 0.0)
    assert what_if.scale_point((799.0, 599.0), (800, 600), (400, 300)) == (399.25, 299.25)


def test_mark_point_draws_a_ring_and_leaves_the_spot() -> None:
    grey = np.full((60, 80, 3), 128, dtype=np.uint8)
    marked = what_if.mark_point(grey, 40, 30, radius=10)
    assert marked.shape == grey.shape and marked.dtype == np.uint8
    assert np.all(grey == 128), "the input is not drawn on"
    assert tuple(marked[30, 50]) == (255, 255, 255) and tuple(marked[20, 40]) == (255, 255, 255)  # on the ring
    assert tuple(marked[30, 40]) == (128, 128, 128), "the spot itself stays visible"
    assert tuple(marked[5, 5]) == (128, 128, 128)
    ring = np.all(marked == 255, axis=2)
    edge = np.all(marked == 0, axis=2)
    assert ring.any() and edge.any(), "white ring with a dark edge, visible on light and dark pictures"
    # The default size follows the picture; a spot at the border is drawn without error.
    big = what_if.mark_point(np.zeros((400, 1000, 3), dtype=np.uint8), 0, 399)
    assert np.all(big[399, 30] == 255)  # radius 3 % of 1000 px
    with pytest.raises(ValueError, match="uint8"):
        what_if.mark_point(grey.astype(np.float32), 1, 1)
