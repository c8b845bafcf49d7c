"""`ucnb.fleet.views`: the fleet summaries and pictures of notebooks/04_fleet.ipynb, on rows whose answers
are known, and the notebook run by papermill on another scan."""

from __future__ import annotations

import logging
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from ucnb import scan as ucnb_scan
from ucnb.fleet import views as fleet
from ucnb.fleet.scan import frame_of, write_frame
from ucnb.model.actions import action

ROOT = Path(__file__).resolve().parents[2]


def _node(node: str, product: str, version: str, groups: list[tuple], *, rate: float | None = None,
          days: float | None = None, urgency: str | None = None, free: int = 32000, bundle: str = "",
          at: str | None = None, node_id: str | None = None) -> dict:
    return {
        "bundle": bundle or f"{node}.zip", "bundle_sha256": node, "ucnb_version": "1", "node": node,
        "captured_at": at, "node_id": node_id,
        "product": product, "version": version, "zombie_count": sum(g[2] for g in groups),
        "defunct_rows": sum(g[2] for g in groups),
        "groups": [{"ppid": p, "service": s, "count": c, "action": "restart_service", "urgency": urgency}
                   for p, s, c in groups],
        "top_service": groups[0][1] if groups else None,
        "next_action": "restart_service" if groups else "none",
        "urgency": urgency, "leak_rate_per_hour": rate, "pid_free": free, "days_to_exhaustion": days,
        "warnings": 0,
    }


@pytest.fixture
def frame() -> pd.DataFrame:
    return frame_of([
        _node("a", "CUCM", "14.0.1.12900-161", [(10, "Cisco AMC Service", 2)], urgency="optional"),
        _node("b", "CUCM", "11.5.1.9900-1", [(11, "Cisco AMC Service", 30), (12, None, 1)], rate=12.5,
              days=100.0, urgency="recommended"),
        _node("c", "CUCM", "11.5.1.10900-2", [], urgency="none", free=31000),
        _node("d", "CUC", "12.5.1.14900-51", [(13, "Connection File Syncer", 300)], rate=150.0, days=8.5,
              urgency="urgent", free=30000),
        _node("e", "IMnP", "14.0.1.12900-5", [(14, "Cisco SIP Proxy", 4)], rate=0.0, urgency="optional"),
        {"bundle": "broken.zip", "bundle_sha256": "x", "ucnb_version": "1",
         "error": "broken.zip: no files found"},
    ])


def test_overview_and_errors(frame: pd.DataFrame) -> None:
    assert fleet.overview(frame).to_dict() == {
        "bundles": 6, "node captures": 5, "nodes": 5, "nodes with zombies": 4, "zombies (defunct rows)": 337,
        "nodes whose count grew": 2, "bundles that could not be read": 1,
    }
    assert fleet.errors(frame).to_dict("records") == [
        {"bundle": "broken.zip", "error": "broken.zip: no files found"}]


def test_by_service_counts_zombies_and_nodes(frame: pd.DataFrame) -> None:
    assert fleet.by_service(frame).values.tolist() == [
        ["Connection File Syncer", 300, 1], ["Cisco AMC Service", 32, 2], ["Cisco SIP Proxy", 4, 1],
        [fleet.NO_SERVICE, 1, 1],
    ]


def test_views_count_nodes_not_captures() -> None:
    """Six captures of one node are one node, counted at its latest capture; the same host name in
    two customers' clusters is two nodes; every capture stays for the trend."""
    amc = "Cisco AMC Service"
    rows = [_node("cucm-pub", "CUCM", "14.0.1.12900-161", [(10, amc, 2 + day)], bundle=f"day-{day}.zip",
                  at=f"2026-11-0{day + 1}T08:00:00", node_id="pub.acme.com/cucm-pub/CUCM")
            for day in range(6)]
    rows.append(_node("cucm-pub", "CUCM", "14.0.1.12900-161", [(10, amc, 4)], bundle="other.zip",
                      at="2026-11-01T08:00:00", node_id="pub.other.org/cucm-pub/CUCM"))
    frame = frame_of(rows)
    counts = fleet.overview(frame)[["node captures", "nodes", "zombies (defunct rows)"]]
    assert counts.tolist() == [7, 2, 7 + 4]
    assert fleet.by_service(frame).values.tolist() == [[amc, 7 + 4, 2]]
    assert fleet.nodes(frame)["bundle"].tolist() == ["day-5.zip", "other.zip"]
    trend = fleet.history(frame)
    assert trend["defunct_rows"].tolist() == [2, 3, 4, 5, 6, 7] and trend["node_id"].nunique() == 1
    assert len(fleet.nodes(frame, latest=False)) == 7


def test_by_version_in_release_order(frame: pd.DataFrame) -> None:
    table = fleet.by_version(frame)
    assert table[["product", "version"]].values.tolist() == [
        ["CUC", "12.5.1.14900-51"], ["CUCM", "11.5.1.9900-1"], ["CUCM", "11.5.1.10900-2"],
        ["CUCM", "14.0.1.12900-161"], ["IMnP", "14.0.1.12900-5"],
    ]  # 9900 before 10900: numbers, not text
    row = table.set_index("version").loc["11.5.1.10900-2"]
    assert row[["nodes", "nodes_with_zombies", "zombies"]].tolist() == [1, 0, 0]


def test_leak_rates_headroom_and_needs_action_orders(frame: pd.DataFrame) -> None:
    assert fleet.leak_rates(frame)["node"].tolist() == ["d", "b"]
    # forecasts first (fewest days first), then the least free PIDs
    assert fleet.headroom(frame)["node"].tolist() == ["d", "b", "c", "a", "e"]
    assert fleet.needs_action(frame)[["node", "urgency"]].values.tolist() == [
        ["d", "urgent"], ["b", "recommended"]]


def test_service_version_matrix(frame: pd.DataFrame) -> None:
    table = fleet.service_version_matrix(frame)
    assert list(table.index) == ["Connection File Syncer", "Cisco AMC Service", "Cisco SIP Proxy",
                                 fleet.NO_SERVICE]
    assert list(table.columns) == ["CUC 12.5.1.14900-51", "CUCM 11.5.1.9900-1", "CUCM 14.0.1.12900-161",
                                   "IMnP 14.0.1.12900-5"]
    assert table.loc["Cisco AMC Service"].tolist() == [0, 30, 2, 0]
    assert int(table.to_numpy().sum()) == 337


def test_pictures_draw_what_the_tables_say(frame: pd.DataFrame) -> None:
    bars = fleet.plot_by_service(frame).axes[0]
    assert [p.get_width() for p in bars.patches] == [300, 32, 4, 1]
    assert [t.get_text() for t in bars.get_yticklabels()][:2] == ["Connection File Syncer  (1 node)",
                                                                  "Cisco AMC Service  (2 nodes)"]
    assert len(fleet.plot_by_version(frame).axes[0].patches) == 5
    assert sum(p.get_height() for p in fleet.plot_leak_rates(frame).axes[0].patches) == 2
    assert [p.get_width() for p in fleet.plot_headroom(frame).axes[0].patches] == [8.5, 100.0]
    heat = fleet.plot_heatmap(frame).axes[0]
    assert sorted(t.get_text() for t in heat.texts) == sorted(["300", "30", "2", "4", "1"])
    small = fleet.plot_heatmap(frame, services=2, versions=2).axes[0]
    assert [t.get_text() for t in small.get_yticklabels()] == ["Connection File Syncer", "other services"]
    assert [t.get_text() for t in small.get_xticklabels()] == ["CUC 12.5.1.14900-51", "other versions"]
    assert sorted(int(t.get_text()) for t in small.texts) == [1 + 4 + 32, 300]  # nothing lost
    act = fleet.plot_needs_action(frame).axes[0]
    assert [p.get_width() for p in act.patches] == [1, 1]  # one urgent node, one recommended
    assert [t.get_text() for t in act.get_yticklabels()] == [action("restart_service").label]
    empty = frame_of([frame.iloc[-1].to_dict()])
    for draw in (fleet.plot_by_service, fleet.plot_leak_rates, fleet.plot_headroom, fleet.plot_heatmap,
                 fleet.plot_needs_action):
        assert draw(empty).axes[0].texts  # a message instead of an empty plot


def test_notebook_runs_on_another_scan_with_papermill(frame: pd.DataFrame, tmp_path: Path) -> None:
    papermill = pytest.importorskip("papermill")
    logging.getLogger("papermill").setLevel(logging.WARNING)
    scan_path = tmp_path / "other.parquet"
    write_frame(frame, scan_path)
    out = tmp_path / "04_fleet.ipynb"
    papermill.execute_notebook(str(ROOT / "notebooks/04_fleet.ipynb"), str(out),
                               parameters={"scan_path": str(scan_path)}, cwd=str(ROOT / "notebooks"),
                               kernel_name="python3", progress_bar=False, log_output=False)
    texts = []
    for cell in nbformat.read(out, as_version=4).cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", "") + output.get("data", {}).get("text/plain", ""))
    text = "\n".join(texts)
    assert "Connection File Syncer" in text and "broken.zip: no files found" in text
    assert "case-0000.zip" not in text  # the demo fleet was not used


def test_benchmark_fleet_is_read_node_for_node(tmp_path: Path) -> None:
    """bench/fleet.py's bundles (4 nodes of N processes) scan to 4 complete rows each."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_fleet", ROOT / "bench" / "fleet.py")
    bench_fleet = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench_fleet)
    root = bench_fleet.write_fleet(tmp_path / "fleet", bundles=2, nodes=4, processes=60)
    frame = ucnb_scan(root)
    assert len(frame) == 8 and frame["error"].isna().all()
    assert frame["tasks"].eq(60).all()
    assert frame["defunct_rows"].tolist() == [(b + n) % 5 for b in range(2) for n in range(4)]
