"""The process-tree picture: what a TAC engineer reads on it, and that it stays readable."""

from __future__ import annotations

import itertools

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import FancyBboxPatch

from ucnb.faces.draw import (
    PALETTE,
    draw_zombie_tree,
    draw_zombie_trend,
    figure_to_image,
    figure_to_png_bytes,
)
from ucnb.model.findings import Group
from ucnb.model.graph import build_graph
from ucnb.read.parsers.listing import parse_listing

HEADER = "UID          PID    PPID  C STIME TTY          TIME CMD"


def ps_ef(rows: list[tuple[int, int, str, str]], file: str = "show_process_list_detail.txt"):
    """A parsed `ps -ef` listing from (pid, ppid, user, cmd) rows."""
    lines = [HEADER]
    for pid, ppid, user, cmd in rows:
        lines.append(f"{user:<8} {pid:>8} {ppid:>7}  0 Oct19 ?        00:00:01 {cmd}")
    listing = parse_listing(lines, file=file)
    assert not listing.unparsed
    return listing


BASE = [
    (1, 0, "root", "/sbin/init"),
    (1200, 1, "root", "/usr/local/platform/bin/servM"),
]


def ex1_listing():
    """Seed example 1: amc (29815) with the defunct sh 22908."""
    return ps_ef(
        BASE
        + [
            (26764, 1200, "ccmserv+", "/usr/local/cm/bin/cdrrep"),
            (29815, 1200, "ccmserv+", "/usr/local/cm/bin/amc -d"),
            (22908, 29815, "ccmserv+", "[sh] <defunct>"),
        ]
    )


EX1_GROUP = Group(
    ppid=29815,
    parent_command="/usr/local/cm/bin/amc -d",
    service="Cisco AMC Service",
    zombie_pids=(22908,),
    action="restart_service",
    command="utils service restart Cisco AMC Service",
    impact="low",
)


def node_400():
    """A CUCM-like node: ~150 kernel threads, 200 service processes under servM, 40 daemons."""
    rows = [(1, 0, "root", "/sbin/init"), (2, 0, "root", "[kthreadd]")]
    rows += [(pid, 2, "root", f"[kworker/{pid}:0]") for pid in range(3, 150)]
    rows.append((1200, 1, "root", "/usr/local/platform/bin/servM"))
    names = ["ccm", "ctftp", "cdrrep", "RisDC", "LpmTool", "certM", "dbmon", "cdpd", "tracecollectionservice"]
    rows += [
        (1300 + 7 * k, 1200, "ccmserv+", f"/usr/local/cm/bin/{names[k % len(names)]} -x {k}")
        for k in range(200)
    ]
    rows.append((29815, 1200, "ccmserv+", "/usr/local/cm/bin/amc -d"))
    rows += [(30000 + j, 1, "root", f"/usr/sbin/daemon{j}") for j in range(40)]
    rows.append((29900, 29815, "ccmserv+", "/usr/local/cm/bin/amc-helper"))
    rows += [(22908, 29815, "ccmserv+", "[sh] <defunct>"), (22950, 29815, "ccmserv+", "[sh] <defunct>")]
    return ps_ef(rows)


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts]


def legend(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.legends[0].get_texts()]


def boxes(fig: Figure) -> list[FancyBboxPatch]:
    return [p for p in fig.axes[0].patches if isinstance(p, FancyBboxPatch)]


def box_with(fig: Figure, text: str) -> FancyBboxPatch:
    """The box whose label contains `text` (boxes and labels are drawn in the same order)."""
    found = [b for b, t in zip(boxes(fig), texts(fig), strict=True) if text in t]
    assert len(found) == 1, (text, texts(fig))
    return found[0]


def assert_nothing_overlaps(fig: Figure) -> None:
    renderer = FigureCanvasAgg(fig).get_renderer()
    patch_boxes = [p.get_window_extent(renderer) for p in boxes(fig)]
    for a, b in itertools.combinations(patch_boxes, 2):
        assert not a.overlaps(b), (a, b)
    for patch_box, text in zip(patch_boxes, fig.axes[0].texts, strict=True):
        extent = text.get_window_extent(renderer)
        assert patch_box.x0 <= extent.x0 and extent.x1 <= patch_box.x1, text.get_text()
        assert patch_box.y0 <= extent.y0 and extent.y1 <= patch_box.y1, text.get_text()
    fig_box = fig.bbox
    for extent in patch_boxes:
        assert fig_box.x0 <= extent.x0 and extent.x1 <= fig_box.x1
        assert fig_box.y0 <= extent.y0 and extent.y1 <= fig_box.y1


def test_seed_example_1_shows_zombie_parent_service_and_chain_to_init():
    fig = draw_zombie_tree(ex1_listing(), EX1_GROUP, node_name="cucm-pub")
    labels = texts(fig)
    assert "22908 sh" in labels
    assert "29815 amc\nCisco AMC Service" in labels
    assert "1200 servM" in labels and "1 init" in labels
    assert "26764 cdrrep" in labels  # a sibling of the parent
    assert fig.texts[0].get_text() == "cucm-pub: 1 zombie under PID 29815 (Cisco AMC Service)"
    assert legend(fig) == ["zombie (<defunct>)", "parent of the zombies", "other process"]
    assert box_with(fig, "22908").get_facecolor() != box_with(fig, "29815").get_facecolor()
    assert box_with(fig, "26764").get_facecolor() == box_with(fig, "1200").get_facecolor()


def test_rows_go_from_init_down_to_the_zombies():
    fig = draw_zombie_tree(ex1_listing(), EX1_GROUP)
    y = {
        label.split()[0]: text.get_position()[1]
        for label, text in zip(texts(fig), fig.axes[0].texts, strict=True)
    }
    assert y["1"] > y["1200"] > y["29815"] > y["22908"]
    assert y["29815"] == y["26764"]


def test_service_goes_under_the_ancestor_that_owns_the_helper_parent():
    listing = ps_ef(
        BASE
        + [
            (26732, 1200, "ccmserv+", "/usr/local/cm/bin/tracecollectionservice"),
            (26800, 26732, "ccmserv+", "/bin/sh -c /usr/local/cm/bin/collect.sh"),
            (10025, 26800, "ccmserv+", "[perl] <defunct>"),
        ]
    )
    group = Group(ppid=26800, zombie_pids=(10025,), service="Cisco Trace Collection Service")
    fig = draw_zombie_tree(listing, group)
    labels = texts(fig)
    assert "26732 tracecollectionservice\nCisco Trace Collection\nService" in labels
    assert "26800 sh" in labels  # the helper parent: no service under it
    assert "service owning the parent" in legend(fig)


def test_service_by_pid_overrides_the_labels():
    fig = draw_zombie_tree(ex1_listing(), EX1_GROUP, service_by_pid={26764: "Cisco CDR Repository Manager"})
    labels = texts(fig)
    assert "26764 cdrrep\nCisco CDR Repository\nManager" in labels
    assert "29815 amc" in labels


def test_missing_parent_is_a_dashed_placeholder():
    listing = ps_ef(
        BASE + [(325, 7827, "cucsmgr", "[sh] <defunct>"), (370, 7827, "cucsmgr", "[sh] <defunct>")]
    )
    group = Group(ppid=7827, parent_command=None, service=None, zombie_pids=(325, 370))
    fig = draw_zombie_tree(listing, group, node_name="cuc-sub")
    labels = texts(fig)
    assert "PPID 7827\nnot in the listing" in labels
    assert "325 sh" in labels and "370 sh" in labels
    assert box_with(fig, "PPID 7827").get_linestyle() == "--"
    assert "not in the listing" in legend(fig)
    assert "1 init" not in labels  # nothing is known above a missing parent


def test_listing_without_ppid_has_an_unknown_parent():
    fig = draw_zombie_tree(ex1_listing(), Group(ppid=None, zombie_pids=(22908,), service=None))
    assert "parent unknown\n(listing without PPID)" in texts(fig)
    assert "(parent unknown)" in fig.texts[0].get_text()


def test_zombies_of_init():
    listing = ps_ef(BASE + [(4242, 1, "root", "[bash] <defunct>")])
    fig = draw_zombie_tree(listing, Group(ppid=1, zombie_pids=(4242,), service=None, action="reboot"))
    labels = texts(fig)
    assert "1 init" in labels and "4242 bash" in labels
    assert to_hex(box_with(fig, "1 init").get_facecolor()) == PALETTE["parent"][0].lower()
    assert to_hex(box_with(fig, "4242 bash").get_facecolor()) == PALETTE["zombie"][0].lower()
    assert legend(fig)[:2] == ["zombie (<defunct>)", "parent of the zombies"]


def test_siblings_beyond_the_limit_are_summarised_and_zombies_are_in_pid_order():
    listing = node_400()
    group = Group(ppid=29815, zombie_pids=(22950, 22908), service="Cisco AMC Service")
    fig = draw_zombie_tree(listing, group, max_siblings=4, node_name="cucm-pub")
    labels = texts(fig)
    children_of_servm = 201
    assert f"+{children_of_servm - 1 - 4} more\nchildren of 1200" in labels
    sibling_row_y = fig.axes[0].texts[labels.index("29815 amc\nCisco AMC Service")].get_position()[1]
    on_parent_row = [t for t in fig.axes[0].texts if t.get_position()[1] == sibling_row_y]
    assert len(on_parent_row) == 1 + 4 + 1  # parent, 4 siblings, the summary
    assert "+1 live\nchild" in labels  # amc-helper, a live child of the parent
    x = {t.get_text(): t.get_position()[0] for t in fig.axes[0].texts}
    assert x["22908 sh"] < x["22950 sh"]
    assert_nothing_overlaps(fig)


def test_400_process_node_is_small_and_readable():
    fig = draw_zombie_tree(
        node_400(), Group(ppid=29815, zombie_pids=(22908, 22950), service="Cisco AMC Service")
    )
    assert len(fig.axes[0].texts) <= 14
    width, height = fig.get_size_inches()
    assert width < 14 and height < 6
    assert_nothing_overlaps(fig)


def test_thirty_thousand_zombies_collapse_into_one_labelled_node():
    rows = BASE + [(7827, 1200, "cucsmgr", "/usr/local/cm/bin/CuFileSync")]
    rows += [(pid, 7827, "cucsmgr", "[sh] <defunct>") for pid in range(40001, 70001)]
    listing = ps_ef(rows, file="cuc-sub/ps.txt")
    zombie_pids = listing.processes.loc[listing.processes["zombie"], "pid"].tolist()
    assert len(zombie_pids) == 30000
    group = Group(ppid=7827, zombie_pids=tuple(zombie_pids), service="Connection File Syncer")
    fig = draw_zombie_tree(listing, group, node_name="cuc-sub")
    labels = texts(fig)
    assert "30000 zombies <defunct>\nPIDs 40001-70000\n(sh)" in labels
    assert "7827 CuFileSync\nConnection File Syncer" in labels
    assert len(labels) == 4  # init, servM, CuFileSync, the collapsed zombies
    assert fig.texts[0].get_text() == "cuc-sub: 30000 zombies under PID 7827 (Connection File Syncer)"
    assert_nothing_overlaps(fig)
    assert figure_to_png_bytes(fig).startswith(b"\x89PNG")


def test_a_graph_can_be_reused_for_several_groups():
    graph = build_graph(ex1_listing())
    assert texts(draw_zombie_tree(graph, EX1_GROUP)) == texts(draw_zombie_tree(ex1_listing(), EX1_GROUP))


def test_png_is_deterministic_and_has_no_metadata():
    first = figure_to_png_bytes(draw_zombie_tree(node_400(), Group(ppid=29815, zombie_pids=(22908,))))
    second = figure_to_png_bytes(draw_zombie_tree(node_400(), Group(ppid=29815, zombie_pids=(22908,))))
    assert first == second
    assert first.startswith(b"\x89PNG")
    assert b"Software" not in first and b"matplotlib" not in first


def test_figure_to_image_carries_the_png():
    fig = draw_zombie_tree(ex1_listing(), EX1_GROUP)
    image = figure_to_image(fig)
    assert image.data == figure_to_png_bytes(fig)
    assert image.format == "png"


def test_trend_labels_every_snapshot_and_missing_counts():
    fig = draw_zombie_trend([("09:14:02", 3), ("09:19:02", 3), ("10:02:40", None), ("10:30:00", 0)])
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["09:14:02", "09:19:02", "10:02:40", "10:30:00"]
    assert [t.get_text() for t in ax.texts] == ["3", "3", "n/a", "0"]
    assert [bar.get_height() for bar in ax.patches] == [3, 3, 0, 0]
    assert ax.get_title() == "Zombie count per snapshot"
    assert figure_to_png_bytes(fig) == figure_to_png_bytes(fig)


@pytest.mark.parametrize("counts", [[], [("only", 0)]])
def test_trend_of_no_or_one_snapshot(counts):
    fig = draw_zombie_trend(counts)
    assert len(fig.axes[0].patches) == len(counts)
    assert figure_to_png_bytes(fig).startswith(b"\x89PNG")


def test_draws_a_group_of_the_real_analysis():
    diagnosis = pytest.importorskip("ucnb.diagnosis.diagnose")
    from ucnb.model.results import Node

    listing = ps_ef(
        BASE
        + [
            (26732, 1200, "ccmserv+", "/usr/local/cm/bin/tracecollectionservice"),
            (26800, 26732, "ccmserv+", "/bin/sh -c /usr/local/cm/bin/collect.sh"),
            (10025, 26800, "ccmserv+", "[perl] <defunct>"),
        ]
    )
    node = diagnosis.diagnose_node(Node(name="cucm-pub", product="CUCM", listings=[listing]))
    fig = draw_zombie_tree(listing, node.groups[0], node_name=node.node)
    labels = texts(fig)
    assert "1200 servM\nService Manager" in labels  # ancestry services are named...
    assert to_hex(box_with(fig, "1200 servM").get_facecolor()) == PALETTE["process"][0].lower()
    # ...but only the owner of the parent is coloured as the service.
    owner = box_with(fig, "26732 tracecollectionservice\nCisco Trace Collection\nService")
    assert to_hex(owner.get_facecolor()) == PALETTE["service"][0].lower()
    assert "10025 perl" in labels
    assert_nothing_overlaps(fig)


def test_figures_show_themselves_as_png_in_a_notebook():
    fig = draw_zombie_tree(ex1_listing(), EX1_GROUP)
    assert fig._repr_png_() == figure_to_png_bytes(fig)
    assert draw_zombie_trend([("a", 1)])._repr_png_().startswith(b"\x89PNG")


def test_cosmetic_groups_say_so_in_the_title():
    listing = ps_ef(
        BASE + [(1775, 1, "root", "/usr/bin/sftp admin@imp-sub1"), (1806, 1775, "root", "[ssh] <defunct>")]
    )
    group = Group(ppid=1775, zombie_pids=(1806,), service=None, action="reboot", impact="cosmetic")
    fig = draw_zombie_tree(listing, group, node_name="imp-pub")
    assert fig.texts[0].get_text() == "imp-pub: 1 zombie under PID 1775 (cosmetic)"
    assert "1775 sftp" in texts(fig) and "1806 ssh" in texts(fig)
