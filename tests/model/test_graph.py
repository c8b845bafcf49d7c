"""The parent -> child graph of a listing: placeholders, PID 1, helpers, odd listings."""

from diag_helpers import CUCM_BASE, make_listing
from hypothesis import given, settings
from hypothesis import strategies as st

from ucnb.model.graph import ancestors, build_graph, children, siblings, subtree, zombie_children


def _amc_listing():
    return make_listing(
        CUCM_BASE
        + [
            (29815, 4012, "ccmservice", "Ssl", "/usr/local/cm/bin/amc"),
            (22908, 29815, "ccmservice", "Z", "[sh] <defunct>"),
            (23001, 29815, "ccmservice", "S", "/bin/sh -c /usr/local/cm/bin/check.sh"),
            (23002, 23001, "ccmservice", "S", "/bin/sleep 5"),
        ]
    )


def test_edges_and_attributes_follow_the_rows():
    g = build_graph(_amc_listing())
    assert g.has_edge(29815, 22908) and g.has_edge(4012, 29815) and g.has_edge(1, 4012)
    zombie = g.nodes[22908]
    assert zombie["zombie"] is True and zombie["comm"] == "sh" and zombie["command"] == "[sh] <defunct>"
    assert zombie["source"] == "show_process_list_detail.txt:6"
    assert g.nodes[1]["init"] is True and g.nodes[29815]["init"] is False
    # PPID 0 (the kernel) is no node
    assert 0 not in g


def test_helpers_ancestors_subtree_siblings():
    g = build_graph(_amc_listing())
    assert ancestors(g, 22908) == [29815, 4012, 1]
    assert ancestors(g, 1) == []
    assert subtree(g, 29815) == [29815, 22908, 23001, 23002]
    assert siblings(g, 22908) == [23001]
    assert siblings(g, 1) == []
    assert children(g, 29815) == [22908, 23001]
    assert zombie_children(g, 29815) == [22908]
    assert ancestors(g, 99999) == [] and subtree(g, 99999) == [] and siblings(g, 99999) == []


def test_missing_parent_becomes_a_placeholder():
    g = build_graph(make_listing([(325, 7827, "cuc", "Z", "[sh] <defunct>")]))
    assert g.nodes[7827]["missing"] is True and g.nodes[7827]["command"] is None
    assert ancestors(g, 325) == [7827]


def test_pid_1_referenced_but_not_listed_is_flagged_init():
    g = build_graph(make_listing([(500, 1, "root", "Z", "[sh] <defunct>")]))
    assert g.nodes[1]["init"] is True and g.nodes[1]["missing"] is True


def test_no_ppid_listing_has_no_edges():
    g = build_graph(
        make_listing(
            [(1, None, "root", "S", "/sbin/init"), (5, None, "x", "Z", "[a] <defunct>")], has_ppid=False
        )
    )
    assert g.number_of_edges() == 0 and g.graph["has_ppid"] is False


def test_cycles_and_self_parents_do_not_hang():
    rows = [(10, 11, "a", "S", "a"), (11, 12, "a", "S", "b"), (12, 10, "a", "S", "c")]
    rows.append((13, 13, "a", "S", "d"))
    g = build_graph(make_listing(rows))
    assert ancestors(g, 10) == [11, 12]
    assert sorted(subtree(g, 10)) == [10, 11, 12]
    assert ancestors(g, 13) == [] and not g.has_edge(13, 13)


def test_duplicate_pids_keep_the_first_row_and_warn():
    listing = make_listing(
        [
            (1, 0, "root", "S", "/sbin/init"),
            (700, 1, "a", "S", "/usr/local/cm/bin/amc"),
            (700, 1, "a", "S", "/usr/local/cm/bin/other"),
        ]
    )
    g = build_graph(listing)
    assert g.nodes[700]["command"] == "/usr/local/cm/bin/amc"
    assert g.graph["duplicate_pids"] == {700: ["show_process_list_detail.txt:4"]}
    assert "700" in g.graph["warnings"][0] and "duplicate" in g.graph["warnings"][0]


def test_accepts_a_bare_dataframe():
    g = build_graph(_amc_listing().processes)
    assert ancestors(g, 22908)[0] == 29815


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 40), st.one_of(st.none(), st.integers(0, 40)), st.booleans()),
        max_size=40,
    )
)
def test_any_listing_builds_and_analyses_without_hanging(rows):
    """Random PIDs/PPIDs (duplicates, loops, self-parents, missing parents): never raise or hang."""
    from diag_helpers import make_bundle, make_load, make_node

    from ucnb.diagnosis.diagnose import diagnose
    from ucnb.faces.tree import format_analysis

    listing = make_listing(
        [
            (pid, ppid, "u", "Z" if z else "S", "[x] <defunct>" if z else "/usr/local/cm/bin/amc")
            for pid, ppid, z in rows
        ]
    )
    g = build_graph(listing)
    for pid in list(g.nodes):
        chain = ancestors(g, pid)
        assert len(chain) == len(set(chain)) and pid not in chain
        assert subtree(g, pid)[0] == pid
    result = diagnose(make_bundle(make_node("n", "CUCM", listing=listing, loads=[make_load(len(rows))])))
    node = result.nodes[0]
    assert sum(group.count for group in node.groups) == len(node.zombies)
    assert format_analysis(result)
