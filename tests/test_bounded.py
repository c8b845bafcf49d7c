"""Bounded outputs on small hostile inputs (issue 16 item 2): a PPID chain thousands deep and
thousands of parents with one zombie each give a text of a few kilobytes, not megabytes."""

from __future__ import annotations

import json
from pathlib import Path

from cli_helpers import run_cli as run

HEADER = "UID        PID  PPID  C STIME TTY          TIME CMD"
INIT = "root         1     0  0 Oct09 ?        00:11:50 /usr/lib/systemd/systemd"


def _listing(path: Path, rows: list[str]) -> Path:
    path.write_text("admin:show process list detail\n" + "\n".join([HEADER, INIT, *rows]) + "\n")
    return path


def test_a_chain_10000_deep_shows_its_ends_and_a_count(tmp_path: Path) -> None:
    depth = 10_000
    rows = [f"root     {i:6d} {i - 1:6d}  0 Oct09 ?        00:00:00 /bin/sh -c step{i}"
            for i in range(2, depth + 2)]
    rows.append(f"root     {depth + 2:6d} {depth + 1:6d}  0 Oct09 ?        00:00:00 [sh] <defunct>")
    status, out, err = run("analyze", _listing(tmp_path / "chain.txt", rows))
    assert status == 0, err
    assert len(out) < 5_000  # was 150 MB: each level indented one step more
    lines = out.splitlines()
    assert any(line.strip() == "1 /usr/lib/systemd/systemd" for line in lines)
    assert any(line.strip().startswith("└─ 2 /bin/sh -c step2") for line in lines)  # the top
    assert any("... 9,992 ancestors ..." in line for line in lines)
    assert any("10001 /bin/sh -c step10001  <== parent of 1 zombie" in line for line in lines)  # the bottom
    assert any("10002 [sh] <defunct>  Z" in line for line in lines)
    assert max(len(line) for line in lines) < 300


def test_2000_parents_with_one_zombie_each_are_listed_then_counted(tmp_path: Path) -> None:
    rows = []
    for i in range(2000):
        parent = 100 + 2 * i
        rows.append(f"root     {parent:6d}      1  0 Oct09 ?        00:00:00 /usr/bin/parent{i}")
        rows.append(f"root     {parent + 1:6d} {parent:6d}  0 Oct09 ?        00:00:00 [sh] <defunct>")
    status, out, err = run("analyze", _listing(tmp_path / "groups.txt", rows))
    assert status == 0, err
    assert len(out) < 30_000
    assert "/usr/bin/parent99 " in out and "/usr/bin/parent100 " not in out  # 100 table rows
    assert "... 1,900 more groups (2,000 groups in all; --json lists every one)" in out
    status, out, _ = run("analyze", "--json", tmp_path / "groups.txt")
    assert status == 0 and out.count('"zombie_pids"') == 2000  # the JSON keeps every group


def test_a_chain_25000_deep_under_a_service_names_the_service_with_a_bounded_text(tmp_path: Path) -> None:
    """The owner is found 25,000 levels up (catalogue matching is memoised per name: the walk is
    linear); the text shows the chain's ends and a count, the JSON every ancestor."""
    depth = 25_000
    rows = ["root         2     1  0 Oct09 ?        00:01:00 /usr/local/platform/bin/servM",
            "ccmserv+     3     2  0 Oct09 ?        00:02:00 /usr/local/cm/bin/cdrrep"]
    rows += [f"ccmserv+ {i:6d} {i - 1:6d}  0 Oct09 ?        00:00:00 /bin/sh -c step{i}"
             for i in range(4, depth + 4)]
    rows.append(f"ccmserv+ {depth + 4:6d} {depth + 3:6d}  0 Oct09 ?        00:00:00 [sh] <defunct>")
    path = _listing(tmp_path / "chain.txt", rows)
    status, out, err = run("analyze", "--json", path)
    assert status == 0, err
    (node,) = json.loads(out)["nodes"]
    (group,) = node["groups"]
    assert group["ppid"] == depth + 3 and group["zombie_pids"] == [depth + 4]
    assert group["service"] == "Cisco CDR Repository Manager" and group["action"] == "restart_service"
    assert [a["pid"] for a in group["ancestry"]] == list(range(1, depth + 4))
    assert [a["service"] for a in group["ancestry"][:3]] == [
        None, "Service Manager", "Cisco CDR Repository Manager"]
    status, out, err = run("analyze", path)
    assert status == 0, err
    tree = [line for line in out.splitlines() if "└─" in line]
    assert len(out) < 5_000 and 5 < len(tree) < 20 and max(len(line) for line in tree) < 120
    assert "... 24,994 ancestors ..." in out and "utils service restart Cisco CDR Repository Manager" in out


def test_a_chain_of_4000_zombie_parents_is_linear_and_writes_each_ancestor_once(tmp_path: Path) -> None:
    """Each zombie the parent of the next (issue 26: 181 s, 10.4 GB and 1.5 GB of JSON): every group
    is kept, a deep group's ancestry starts where it meets an earlier group's and counts the rest."""
    n = 4_000
    rows = ["root         2     1  0 Oct09 ?        00:00:00 /bin/sh -c top"]
    rows += [f"root     {i:6d} {i - 1:6d}  0 Oct09 ?        00:00:00 [sh] <defunct>" for i in range(3, n + 3)]
    path = _listing(tmp_path / "zchain.txt", rows)
    status, out, err = run("analyze", "--json", path)
    assert status == 0, err
    assert len(out) < 20 * 2**20  # ~3 kB a group; was 1.5 GB
    (node,) = json.loads(out)["nodes"]
    groups = node["groups"]
    assert [g["ppid"] for g in groups] == list(range(2, n + 2)) and len(node["zombies"]) == n
    shallow, deep = groups[5], groups[-1]
    assert [a["pid"] for a in shallow["ancestry"]] == list(range(1, 8)) and "ancestors_omitted" not in shallow
    assert [a["pid"] for a in deep["ancestry"]] == [n, n + 1]  # from its parent's parent, listed above
    assert deep["ancestors_omitted"] == n - 1  # PIDs 1 .. n-1
    listed = {a["pid"] for g in groups for a in g["ancestry"]}
    assert listed == set(range(1, n + 2))  # every ancestor is written somewhere
    assert sum(len(g["ancestry"]) for g in groups) < 40 * n  # linear, not n * n / 2
    status, text, err = run("analyze", path)
    assert status == 0, err
    assert len(text) < 30_000 and max(len(line) for line in text.splitlines()) < 400

    from ucnb.faces.tree import tree_of_group
    from ucnb.model.findings import Group

    drawn = tree_of_group(Group.from_json(deep), {n + 2: "[sh] <defunct>"}).splitlines()
    assert drawn == ["... 3,999 ancestors (see the groups above) ...", f"└─ {n} [sh] <defunct>",
                     f"   └─ {n + 1} [sh] <defunct>  <== parent of 1 zombie",
                     f"      └─ {n + 2} [sh] <defunct>  Z"]


# --- issue 26 section 2: reports summarise beyond a size -------------------------------------------

import sys  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import shapes  # noqa: E402  (bench/shapes.py: the shapes of the issue)


def test_a_bundle_of_60_nodes_reports_20_in_full_and_the_rest_as_rows(tmp_path: Path, monkeypatch) -> None:
    import ucnb.report.build as build

    monkeypatch.setattr(build, "MAX_TABLE_NODES", 50)
    bundle = shapes.node_folders(tmp_path / "bundle", 60)
    status, out, err = run("report", bundle, "-o", tmp_path / "r.md")
    assert status == 0, err
    text = (tmp_path / "r.md").read_text()
    full = [line for line in text.splitlines() if line.startswith("## ") and "cucm-sub" in line]
    assert len({line.split()[1] for line in full}) == build.MAX_FULL_NODES  # 20 nodes with sections
    assert "cucm-sub49 " in text or "cucm-sub49|" in text.replace(" ", "")  # a row of the findings table
    assert "... and 10 more nodes not listed here (10 of them with zombies)." in text
    assert "## The other 40 nodes" in text
    assert "the first 30 of them are rows of the findings table" in text


def test_a_48_mb_command_line_is_cut_in_the_report(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(shapes.long_line(3_000_000))
    for suffix in ("html", "md"):
        status, _, err = run("report", path, "-o", tmp_path / f"r.{suffix}")
        assert status == 0, err
        written = (tmp_path / f"r.{suffix}").read_text()
        assert len(written) < 400_000  # was three copies of the line
        assert "amc [... 3,000,003 more characters]" in written  # cut at a word, the rest counted


def test_the_trend_of_20000_snapshots_is_one_line_not_20000_bars() -> None:
    from ucnb.faces.draw import MAX_BARS, draw_zombie_trend

    counts = [(f"10:{i // 60 % 60:02d}:{i % 60:02d}", None if i == 7 else i // 100) for i in range(20_000)]
    figure = draw_zombie_trend(counts)
    (ax,) = figure.axes
    assert len(ax.patches) == 0 and len(ax.lines) == 1  # one line, its gap where the count is unknown
    assert len(ax.get_xticks()) <= 8 and "20,000 snapshots" in ax.get_title()
    small = draw_zombie_trend(counts[:MAX_BARS])
    assert len(small.axes[0].patches) == MAX_BARS  # a short trend keeps its labelled bars


def test_2500_sessions_of_one_node_build_no_dataframe_per_listing(tmp_path: Path) -> None:
    """The growth per parent read each listing's DataFrame (9 ms each: 10,000 sessions took minutes)."""
    from ucnb.diagnosis.outcome import assess
    from ucnb.model.columns import built
    from ucnb.read.bundle import load

    path = tmp_path / "sessions.log"
    path.write_text(shapes.sessions(300))
    bundle = load(path)
    case = assess(bundle)
    (node,) = bundle.nodes
    assert len(node.listings) == 300 and all(built(x, "processes") is None for x in node.listings)
    (group,) = case.analysis.nodes[0].groups
    assert group.ppid == 29815 and group.leak_rate_basis == "listings"


# --- issue 26 section 2: every command within 4 x its input + 300 MiB -------------------------------

_NO_PANDAS = """
import sys
from ucnb.cli import main
status = main(sys.argv[1:])
heavy = sorted({name.split(".")[0] for name in sys.modules} & {"pandas", "pyarrow"})
print("HEAVY", " ".join(heavy) or "-", file=sys.stderr)
sys.exit(status)
"""


def test_analyze_verify_report_and_redact_load_no_pandas(tmp_path: Path) -> None:
    """pandas and pyarrow cost 85 MiB of resident memory at import, a quarter of the 300 MiB every
    command is allowed beyond its input: the commands read the parsed columns, the report's
    pictures draw the listing itself."""
    import subprocess
    import sys as system

    path = tmp_path / "sessions.log"
    path.write_text(shapes.sessions(20))
    sample = Path(__file__).resolve().parents[1] / "sample_outputs" / "ex1_cucm_amc"
    for args in (["analyze", "--json", path], ["analyze", sample / "before"],
                 ["verify", "--json", sample / "before", sample / "after"],
                 ["verify", sample / "before", sample / "after"], ["verify", path, path],
                 ["redact", path, sample / "after", "-o", tmp_path / "copy"],
                 ["report", sample / "before", "--after", sample / "after", "-o", tmp_path / "r.html"],
                 ["report", path, "--redact", "-o", tmp_path / "r.md"]):
        done = subprocess.run([system.executable, "-c", _NO_PANDAS, *map(str, args)], capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        assert "HEAVY -" in done.stderr, (args, done.stderr[-300:])


def test_redact_of_300_sessions_builds_no_dataframe_per_snapshot(tmp_path: Path, monkeypatch) -> None:
    """Redaction read each listing's and snapshot's users through a DataFrame: 10,000 sessions took
    1.1 GiB and a minute."""
    import ucnb.redact.copy as copy
    from ucnb.model.columns import built
    from ucnb.read.bundle import load

    path = tmp_path / "sessions.log"
    path.write_text(shapes.sessions(300).replace("ccmserv+ 29815", "jsmith   29815"))
    bundles: list = []
    monkeypatch.setattr(copy, "load", lambda *paths, **limits: bundles.append(load(*paths, **limits))
                        or bundles[-1])
    _, files = copy.redact_sources([path])
    ((node,),) = [bundle.nodes for bundle in bundles]
    assert len(node.listings) == 300 and len(node.loads) == 300
    assert all(built(x, "processes") is None for x in [*node.listings, *node.loads])
    ((_, data),) = files
    assert b"jsmith" not in data  # a user listed in the USER column is still found and replaced


def test_sessions_of_one_node_share_their_strings(tmp_path: Path) -> None:
    """10,000 sessions repeat the same users, commands, header names and summary labels: one string
    object each, not one per session (26 MiB of copies in a bundle of 120 MiB)."""
    from ucnb.model.columns import values
    from ucnb.read.bundle import load

    path = tmp_path / "sessions.log"
    path.write_text(shapes.sessions(40))
    (node,) = load(path).nodes
    first, last = node.listings[0], node.listings[-1]
    for column in ("user", "command", "stime"):
        pairs = zip(values(first, "processes", column), values(last, "processes", column), strict=True)
        assert all(a is b for a, b in pairs)
    assert all(a is b for a, b in zip(first.columns, last.columns, strict=True))
    (cpu_first, cpu_last) = (list(node.loads[0].summary.cpu), list(node.loads[-1].summary.cpu))
    assert cpu_first == cpu_last and all(a is b for a, b in zip(cpu_first, cpu_last, strict=True))
