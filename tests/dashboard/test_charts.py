"""The hand-written SVG: valid XML, accessible, escaped, and values drawn to scale."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from reporting.charts import Series, bar_chart, line_chart, nice_max, stacked_bar

NS = "{http://www.w3.org/2000/svg}"


class TestCharts:
    def test_bar_chart_is_accessible_xml_with_escaped_text(self):
        svg = bar_chart(chart_id="c1", title="Ophold <pr> måned", categories=["jan", "feb"],
                        series=[Series("kommune", "Kommune", [4, 8]), Series("region", "Region & co", [0, 2])])
        root = ET.fromstring(svg)
        assert root.get("role") == "img"
        assert root.find(f"{NS}title").text == "Ophold <pr> måned"
        assert "højest 8 (feb)" in root.find(f"{NS}desc").text
        bars = [r for r in root.iter(f"{NS}rect") if r.find(f"{NS}title") is not None]
        heights = {r.find(f"{NS}title").text: float(r.get("height")) for r in bars}
        assert heights["Kommune, feb: 8"] == 2 * heights["Kommune, jan: 4"]
        assert heights["Region & co, jan: 0"] == 0
        # Region is hatched, so a black-and-white print tells the sectors apart.
        assert root.find(f"{NS}defs/{NS}pattern") is not None

    def test_line_chart_leaves_gaps_for_missing_values(self):
        svg = line_chart(chart_id="c2", title="Belægning", categories=["a", "b", "c"], unit=" %", y_max=100,
                         series=[Series("kommune", "Kommune", [50.0, None, 75.5])])
        root = ET.fromstring(svg)
        assert root.findall(f".//{NS}polyline") == []  # two single points, no line across the gap
        assert len(root.findall(f".//{NS}circle")) == 2
        assert "75,5 %" in ET.tostring(root, encoding="unicode")

    def test_stacked_bar_and_axis(self):
        root = ET.fromstring(stacked_bar(chart_id="s", title="I nat", segments=[("Optaget", "#c00", 3),
                                                                               ("Ledig", "#0c0", 1)]))
        widths = [float(r.get("width")) for r in root.iter(f"{NS}rect")]
        assert widths == [150.0, 50.0]
        assert [nice_max(v) for v in (0, 3, 7, 12, 61)] == [1, 5, 10, 20, 100]
