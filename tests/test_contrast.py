"""frontend.contrast: WCAG luminance and contrast, and chart cell ink that always reads."""

from __future__ import annotations

import pytest

from frontend import charts
from frontend.contrast import contrast_ratio, ink_on, luminance, rgb


def test_black_on_white_is_21_to_1_and_a_colour_on_itself_is_1():
    assert contrast_ratio("#000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#2859c5", "#2859c5") == pytest.approx(1.0)


def test_luminance_matches_the_wcag_reference_values():
    assert luminance("#fff") == pytest.approx(1.0)
    assert luminance("#808080") == pytest.approx(0.2159, abs=1e-4)


def test_hsl_colours_convert_like_css():
    assert rgb("hsl(120, 100%, 25%)") == pytest.approx((0.0, 0.5, 0.0))


def test_an_unknown_colour_is_refused():
    with pytest.raises(ValueError, match="not a colour"):
        rgb("rebeccapurple")


def test_white_on_the_heatmaps_green_fails_which_is_why_ink_is_chosen():
    green = charts.value_colour(1.0)
    assert contrast_ratio(green, "#fff") < 4.5
    assert ink_on(green) == "#000"


@pytest.mark.parametrize("sequential", [False, True])
def test_every_heatmap_cell_colour_gets_ink_of_at_least_4_5_to_1(sequential):
    for step in range(101):
        fill = charts.value_colour(-1 + step / 50, -1.0, 1.0, sequential=sequential)
        assert contrast_ratio(fill, ink_on(fill)) >= 4.5, fill
    assert contrast_ratio(charts.value_colour(None), ink_on(charts.value_colour(None))) >= 4.5


def test_every_chart_carries_its_data_as_a_table_with_user_text_escaped():
    from frontend import charts_lead

    drawn = [
        charts.bar_chart([("<b>x</b>", 0.5)], title="Alpha"),
        charts.heatmap(["ann<1>", "b"], [[1.0, 0.2], [0.2, None]], title="Kappa"),
        charts.histogram([0.0, 0.5, 1.0], [3, 4], title="Items"),
        charts.line_chart([charts.Point("d1", 0.5), charts.Point("d2", 0.7)], title="Over time"),
        charts_lead.count_bars([("neg<ative>", 2)], title="Labels"),
        charts_lead.columns([("2026-01-01", 2)], title="Per day"),
        charts_lead.stacked_bar([("done", 2), ("left", 1)], title="State"),
    ]
    for svg in drawn:
        assert '<details class="chart-data">' in svg
        assert '<th scope="col">' in svg
        for raw in ("<b>", "<1>", "<ative>"):
            assert raw not in svg
    assert "<td>0.500</td>" in drawn[0]
    assert "<td>n/a</td>" in drawn[1]


def test_stacked_bar_segments_reach_3_to_1_on_the_page_and_never_touch():
    import itertools
    import re

    from frontend import charts_lead

    for colour in charts_lead.SEGMENT_COLOURS:
        assert contrast_ratio(colour, "#fff") >= 3.0, colour
    svg = charts_lead.stacked_bar([("done", 5), ("in progress", 3), ("remaining", 2)], title="t")
    segments = re.findall(r'class="segment" x="([\d.]+)" y="0" width="([\d.]+)"', svg)
    edges = [(float(x), float(x) + float(w)) for x, w in segments]
    assert len(edges) == 3
    for (_, end), (start, _) in itertools.pairwise(edges):
        assert start - end >= 1.5  # a white gap between neighbours
