"""The text tree and the human triage output."""

from diag_helpers import CUCM_BASE, make_bundle, make_listing, make_load, make_node

from ucnb.diagnosis.diagnose import diagnose
from ucnb.faces.tree import format_analysis, render_tree
from ucnb.model.graph import build_graph

AMC = CUCM_BASE + [
    (29815, 4012, "ccmservice", "Ssl", "/usr/local/cm/bin/amc"),
    (22908, 29815, "ccmservice", "Z", "[sh] <defunct>"),
    (23001, 29815, "ccmservice", "S", "/bin/sleep 5"),
    (2, 0, "root", "S", "[kthreadd]"),  # duplicate row, ignored
]


def test_tree_shows_ancestry_services_zombies_and_siblings():
    text = render_tree(make_listing(AMC), 29815, product="CUCM")
    assert text.splitlines() == [
        "1 /sbin/init",
        "└─ 4012 /usr/local/cm/bin/servM  [Service Manager]",
        "   └─ 29815 /usr/local/cm/bin/amc  [Cisco AMC Service]  <== parent of 1 zombie",
        "      ├─ 22908 [sh] <defunct>  Z",
        "      └─ 23001 /bin/sleep 5",
    ]
    assert render_tree(build_graph(make_listing(AMC)), 29815, product="CUCM") == text


def test_thousands_of_zombies_collapse_into_one_line():
    rows = CUCM_BASE + [(7827, 4012, "c", "S", "/usr/local/cm/bin/CuFileSync")]
    rows += [(10000 + i, 7827, "c", "Z", "[sh] <defunct>") for i in range(3000)]
    rows += [(5, 7827, "c", "Z", "[sh] <defunct>")]
    text = render_tree(make_listing(rows), 7827, product="CUC")
    assert len(text.splitlines()) == 4
    assert "parent of 3,001 zombies" in text
    assert text.splitlines()[-1].endswith("3,001 zombies <defunct>, PIDs 5-12999  Z")


def test_missing_parent_and_no_ppid():
    text = render_tree(make_listing([(325, 7827, "c", "Z", "[sh] <defunct>")]), 7827)
    assert text.splitlines() == [
        "7827 ? (not in the listing)  <== parent of 1 zombie",
        "└─ 325 [sh] <defunct>  Z",
    ]
    no_ppid = make_listing([(325, None, "c", "Z", "[sh] <defunct>")], has_ppid=False)
    assert "parent unknown" in render_tree(no_ppid, None)


def test_format_analysis_has_count_table_tree_and_exact_command():
    node = make_node("cucm-pub", "CUCM", listing=make_listing(AMC), loads=[make_load(1)])
    text = format_analysis(diagnose(make_bundle(node)))
    lines = text.splitlines()
    assert lines[0] == "== cucm-pub (CUCM) ==" and lines[3].startswith("zombie count: 1")
    assert lines[1].startswith("Action needed: optional. 1 zombie, 0.003 % of the PID space, growth not")
    assert lines[1].endswith(  # optional: never "now", never an order
        "If you choose to clear it: `utils service restart Cisco AMC Service` (at a convenient time).")
    assert "PPID" in text and "Cisco AMC Service" in text
    assert "      ├─ 22908 [sh] <defunct>  Z" in text  # the tree, indented
    assert ("action plan:\n  1. Customer administrator, at a convenient time (optional): restart the "
            "Cisco AMC Service on cucm-pub: `utils service restart Cisco AMC Service`") in text
    assert "kill_parent (`kill -9 29815`) [TAC only]" in text
    assert "warnings:" in text and "duplicate PIDs" in text
    assert format_analysis(diagnose(make_bundle(node))) == text


def test_format_analysis_without_listing():
    node = make_node("cuc-sub", "CUC", loads=[make_load(3)])
    text = format_analysis(diagnose(make_bundle(node)))
    assert "(no listing)" in text and "Next: capture `show process list detail`" in text
