"""The sample bundles under sample_outputs/: generated, consistent, realistic.

These tests need no ucnb parser: they read the captures with a few lines of their own, the way a
trainee would with `grep defunct`, and check what the seed's procedure relies on (the zombie count,
the defunct rows, their PPID, the parent's row) plus the consistency a real capture has (same PIDs
across commands, counts that add up, truncated user names, uptimes that agree).

Example:
    Tasks: 252 total,   1 running, 250 sleeping,   0 stopped,   1 zombie
    ccmserv+ 22908 29815  0 Nov18 ?        00:00:00 [sh] <defunct>
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from ucnb.synth import samples as gen

REPO = Path(__file__).resolve().parents[2]
SAMPLES = REPO / "sample_outputs"


EXAMPLES = {ex.folder: ex for ex in gen.EXAMPLES}
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
PAGER_PRESS = "Press <enter> for 1 line, <space> for one page, or <q> to quit"


# ------------------------------------------------------------------ reading, trainee style


def clean(text: str) -> list[str]:
    """Terminal text -> the lines a reader sees (ANSI, pagers, \\r overprints and backspaces gone)."""
    lines = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = ANSI.sub("", raw).split("\r")[-1].replace(PAGER_PRESS, "")
        while "\b" in line:
            line = re.sub(r".?\x08", "", line, count=1)
        if line.startswith("options: q=quit") or line == "end of the file reached":
            line = ""
        lines.append(line)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def sections(folder: Path, files) -> list[tuple[str, list[str]]]:
    """(command, output lines) in capture order, from the FileSpecs that describe the folder."""
    out: list[tuple[str, list[str]]] = []
    for spec in files:
        lines = clean((folder / spec.name).read_text(encoding="utf-8"))
        if spec.style == "file":
            out.append((spec.commands[0], lines))
            continue
        current: tuple[str, list[str]] | None = None
        for line in lines:
            if line.startswith("admin:"):
                if current is not None:
                    out.append(current)
                command = line.removeprefix("admin:").strip()
                current = (command, []) if command else None
            elif current is not None:
                current[1].append(line)
        if current is not None:
            out.append(current)
    return out


def snapshots(lines: list[str]) -> list[dict]:
    """top snapshots: summary counts, uptime text and the table rows (pid, user, state, command)."""
    snaps: list[dict] = []
    for line in lines:
        if line.startswith("top - "):
            snaps.append({"top": line, "rows": [], "header": False})
        elif not snaps:
            continue
        elif line.startswith("Tasks:"):
            snaps[-1]["tasks"] = {k: int(v) for v, k in re.findall(r"(\d+) (\w+)", line)}
        elif line.lstrip().startswith("PID USER"):
            snaps[-1]["header"] = True
        elif snaps[-1]["header"] and line.strip() and line.strip()[0].isdigit():
            words = line.split()
            snaps[-1]["rows"].append(
                {"pid": int(words[0]), "user": words[1], "state": words[7], "command": words[-1]}
            )
    return snaps


def listing(lines: list[str]) -> list[dict]:
    """procps listing rows by header: pid, ppid, user (when there is one), command."""
    rows: list[dict] = []
    header: list[str] | None = None
    for line in lines:
        words = line.split()
        if header is None:
            if "PID" in words and "PPID" in words:
                header = words
            continue
        if not words:
            continue
        parts = line.split(None, len(header) - 1)
        row = dict(zip(header, parts, strict=True))
        command = row.get("CMD", row.get("COMMAND", "")).replace("\\_ ", "").strip()
        rows.append(
            {
                "pid": int(row["PID"]),
                "ppid": int(row["PPID"]),
                "user": row.get("UID", row.get("USER")),
                "command": command,
                "stime": row.get("STIME"),
                "defunct": command.endswith("<defunct>"),
            }
        )
    assert header is not None, "no listing header"
    return rows


def up_seconds(text: str) -> int:
    """'up 41 days,  3:07,' / 'up 16 min,' / 'up  1:02,' -> seconds."""
    match = re.search(r"up (?:(\d+) days?, +)?(?:(\d+):(\d+)|(\d+) min),", text)
    assert match, text
    days, hours, minutes, only_minutes = match.groups()
    return int(days or 0) * 86400 + int(hours or 0) * 3600 + int(minutes or only_minutes or 0) * 60


def phase(folder: str, name: str) -> list[tuple[str, list[str]]]:
    ex = EXAMPLES[folder]
    return sections(SAMPLES / folder / name, ex.before if name == "before" else ex.after)


def of(secs, prefix: str) -> list[list[str]]:
    return [lines for command, lines in secs if command == prefix]


# ------------------------------------------------------------------ generator


def test_committed_samples_equal_the_generator_output(tmp_path):
    gen.write_tree(tmp_path, gen.generate())
    fresh = gen.read_tree(tmp_path)
    committed = gen.read_tree(SAMPLES)
    differing = sorted(n for n in set(fresh) | set(committed) if fresh.get(n) != committed.get(n))
    assert not differing, f"run `python -m ucnb.synth` (or tools/make_samples.py); these differ: {differing}"


def test_generation_is_deterministic():
    assert gen.generate() == gen.generate()


def test_check_mode_reports_a_changed_file(tmp_path):
    gen.write_tree(tmp_path, gen.generate())
    assert gen.main(["--check", "--out", str(tmp_path)]) == 0
    target = tmp_path / "ex1_cucm_amc" / "before" / "show_process_load.txt"
    target.write_text(target.read_text().replace("1 zombie", "0 zombie"))
    assert gen.main(["--check", "--out", str(tmp_path)]) == 1


def test_cluster_zip_is_byte_deterministic():
    data = (SAMPLES / gen.CLUSTER_ZIP).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {(2026, 11, 19, 10, 30, 0)}
    assert {n.split("/")[0] for n in names} == {"cucm-pub", "cucm-sub1", "imp-pub"}


# ------------------------------------------------------------------ the seed's cases


@pytest.mark.parametrize("folder", sorted(EXAMPLES))
def test_before_shows_the_seed_case(folder):
    seed = EXAMPLES[folder].node.seed
    secs = phase(folder, "before")
    full = [s for lines in of(secs, "show process load num all") for s in snapshots(lines)]
    assert full, "no full show process load"
    count = full[-1]["tasks"]["zombie"]
    assert count == len(seed.zombie_pids)
    listings = of(secs, "show process list detail") + of(secs, "show process list")
    assert len(listings) == 2
    for lines in listings:
        rows = listing(lines)
        defunct = [r for r in rows if r["defunct"]]
        assert len(defunct) == count  # the count and the listing were taken minutes apart: they agree
        assert sorted(r["pid"] for r in defunct) == sorted(seed.zombie_pids)
        assert {r["ppid"] for r in defunct} == {seed.parent_pid}
        parent = [r for r in rows if r["pid"] == seed.parent_pid]
        assert len(parent) == 1 and not parent[0]["defunct"]
        assert seed.parent in parent[0]["command"].split()[0].rsplit("/", 1)[-1][:15]
    zombie_rows = [r for r in full[-1]["rows"] if r["state"] == "Z"]
    assert sorted(r["pid"] for r in zombie_rows) == sorted(seed.zombie_pids)
    assert [r["command"] for r in full[-1]["rows"] if r["pid"] == seed.parent_pid] == [seed.parent[:15]]


@pytest.mark.parametrize("folder", sorted(EXAMPLES))
def test_same_pids_across_commands(folder):
    secs = phase(folder, "before")
    top = snapshots(of(secs, "show process load num all")[-1])[-1]
    top_pids = {r["pid"]: r for r in top["rows"]}
    for lines in of(secs, "show process list detail") + of(secs, "show process list"):
        rows = {r["pid"]: r for r in listing(lines)}
        only_top = {top_pids[p]["command"] for p in set(top_pids) - set(rows)}
        only_listing = {rows[p]["command"].split()[0] for p in set(rows) - set(top_pids)}
        assert only_top == {"top"}  # the CLI's own top is gone when ps runs, and the reverse
        assert only_listing == {"ps"}
        for pid in set(rows) & set(top_pids):
            assert rows[pid]["ppid"] in rows or rows[pid]["ppid"] == 0


@pytest.mark.parametrize("folder", sorted(EXAMPLES))
def test_counts_add_up_and_size_is_realistic(folder):
    for name in ("before", "after"):
        for lines in of(phase(folder, name), "show process load num all"):
            for snap in snapshots(lines):
                tasks = snap["tasks"]
                assert tasks["total"] == len(snap["rows"])
                assert (
                    tasks["running"] + tasks["sleeping"] + tasks["stopped"] + tasks["zombie"]
                    == tasks["total"]
                )
                assert tasks["zombie"] == sum(r["state"] == "Z" for r in snap["rows"])
                assert 250 <= tasks["total"] <= 450


@pytest.mark.parametrize("folder", sorted(EXAMPLES))
def test_users_are_truncated_as_top_and_ps_do(folder):
    old = EXAMPLES[folder].node.gen == "old"
    secs = phase(folder, "before")
    users = {r["user"] for r in snapshots(of(secs, "show process load num all")[-1])[-1]["rows"]}
    assert all(len(u) <= 8 for u in users)
    if old:  # procps 3.2.8: cut silently
        assert not any(u.endswith("+") for u in users)
        assert {"ccmservi", "administ"} & users or "cucsmgr" in users
    else:  # procps-ng: 7 characters and a '+'
        assert "ccmserv+" in users
        assert all(len(u) == 8 for u in users if u.endswith("+"))
    listed = {r["user"] for r in listing(of(secs, "show process list detail")[-1])}
    assert all(len(u) <= 8 for u in listed)
    if old:  # ps prints the numeric UID when the name is longer than 8 characters
        assert "502" in listed or "68" in listed


@pytest.mark.parametrize("folder", sorted(EXAMPLES))
def test_uptime_agrees_between_show_status_and_top(folder):
    secs = phase(folder, "before")
    status = of(secs, "show status")[0]
    date = next(line for line in status if line.startswith("Date"))
    when = datetime.strptime(date.split(":", 1)[1].strip(), "%a %b %d, %Y %H:%M:%S")
    up_line = status[status.index("Uptime:") + 1]
    boot_status = when - timedelta(seconds=up_seconds(up_line))
    top = snapshots(of(secs, "show process load num all")[-1])[-1]["top"]
    top_time = datetime.combine(when.date(), datetime.strptime(top.split()[2], "%H:%M:%S").time())
    boot_top = top_time - timedelta(seconds=up_seconds(top))
    assert abs((boot_top - boot_status).total_seconds()) <= 120
    assert abs((boot_status - gen.ts(EXAMPLES[folder].node.boot)).total_seconds()) <= 120


@pytest.mark.parametrize("folder", sorted(f for f, ex in EXAMPLES.items() if ex.service))
def test_after_restart_parent_is_new_and_zombies_gone(folder):
    ex = EXAMPLES[folder]
    seed = ex.node.seed
    secs = phase(folder, "after")
    transcript = of(secs, f"utils service restart {ex.service}")[0]
    assert transcript[-1] == f"{ex.service}[STARTED]"
    assert any(line.endswith("[STOPPING]") for line in transcript)
    before = {r["pid"]: r for r in listing(of(phase(folder, "before"), "show process list detail")[-1])}
    rows = listing(of(secs, "show process list detail")[-1])
    assert not [r for r in rows if r["defunct"]]
    assert seed.parent_pid not in {r["pid"] for r in rows}
    old_command = before[seed.parent_pid]["command"]
    fresh = [r for r in rows if r["command"] == old_command]
    assert len(fresh) == 1 and fresh[0]["pid"] != seed.parent_pid
    assert fresh[0]["stime"] != before[seed.parent_pid]["stime"] and ":" in fresh[0]["stime"]
    for lines in of(secs, "show process load num all"):
        assert all(s["tasks"]["zombie"] == 0 for s in snapshots(lines))
    services = of(phase(folder, "before"), "utils service list")
    if services:
        assert f"{ex.service}[STARTED]" in services[0]


def test_ex5_after_is_a_reboot():
    secs = phase("ex5_imnp_sftp", "after")
    assert "Enter (yes/no)? yes" in of(secs, "utils system restart")[0]
    status = of(secs, "show status")[0]
    assert up_seconds(status[status.index("Uptime:") + 1]) < 3600
    snap = snapshots(of(secs, "show process load num all")[0])[-1]
    assert snap["tasks"]["zombie"] == 0 and up_seconds(snap["top"]) < 3600
    rows = listing(of(secs, "show process list detail")[0])
    assert not [r for r in rows if r["defunct"]]
    assert not [r for r in rows if "sftp" in r["command"]]
    before = {
        r["pid"]: r["command"]
        for r in listing(of(phase("ex5_imnp_sftp", "before"), "show process list detail")[0])
    }
    services_before = {c: p for p, c in before.items() if c.startswith("/usr/local/")}
    services_after = {r["command"]: r["pid"] for r in rows if r["command"].startswith("/usr/local/")}
    moved = [c for c in services_after if c in services_before and services_after[c] != services_before[c]]
    assert len(moved) >= len(services_after) // 2  # new boot, new PIDs


def test_ex5_parent_is_an_sftp_to_the_peer_node():
    rows = listing(of(phase("ex5_imnp_sftp", "before"), "show process list detail")[0])
    parent = next(r for r in rows if r["pid"] == 1775)
    assert parent["command"].startswith("/usr/bin/sftp") and "adminsftp@imp-sub1." in parent["command"]
    assert next(r for r in rows if r["pid"] == 1806)["command"] == "[ssh] <defunct>"


def test_ex4_zombie_pids_wrapped_below_the_parent():
    seed = EXAMPLES["ex4_cuc_filesync"].node.seed
    assert all(pid < seed.parent_pid for pid in seed.zombie_pids)
    lines = of(phase("ex4_cuc_filesync", "before"), "show process list detail")[0]
    assert lines[0].split()[:5] == ["F", "S", "UID", "PID", "PPID"]


def test_ex2_default_load_hides_the_zombie_and_cont_is_stable():
    secs = phase("ex2_cucm_tracecollection", "before")
    default = snapshots(of(secs, "show process load")[0])
    assert len(default) == 1 and len(default[0]["rows"]) == 10
    assert default[0]["tasks"]["zombie"] == 1
    assert 10025 not in {r["pid"] for r in default[0]["rows"]}
    cont_lines = of(secs, "show process load cont")[0]
    cont = snapshots(cont_lines)
    assert len(cont) == 3 and "^C" in cont_lines
    counts = [s["tasks"]["zombie"] for s in cont]
    assert counts == sorted(counts) and counts[0] >= 1


def test_ex3_is_a_raw_putty_log():
    raw = (SAMPLES / "ex3_cucm_cdrrep" / "before" / "putty_cucm-pub_2026-11-20.log").read_bytes()
    text = raw.decode("utf-8")
    assert text.startswith(
        "=~=~=~=~=~=~=~=~=~=~=~= PuTTY log 2026.11.20 10:29:41 =~=~=~=~=~=~=~=~=~=~=~=\r\n"
    )
    assert text.count("\n") == text.count("\r\n")
    for marker in (
        "Command Line Interface is starting up, please wait ...",
        "VMware Installation:",
        "Welcome to the Platform Command Line Interface",
        "\x1b[1m",
        "\x1b[0m",
        "\x1b[K",
        "\b",
        PAGER_PRESS,
        "options: q=quit, n=next, p=prev, b=begin, e=end (lines 21 - 40 of ",
    ):
        assert marker in text, marker
    assert re.search(r"\r +\r\S", text), "a pager prompt erased by \\r + spaces + \\r"
    assert re.search(re.escape(PAGER_PRESS) + r"\x1b\[0m +\d", text), "a pager prompt glued to data"


def test_variety_of_generations_and_flavours():
    nodes = [ex.node for ex in gen.EXAMPLES]
    assert {n.gen for n in nodes} == {"old", "new"}
    assert {n.detail for n in nodes} == {"ef", "elf"}
    assert {n.forest for n in nodes} >= {"cmd", "axjf"}
    styles = {spec.style for ex in gen.EXAMPLES for spec in ex.before}
    assert styles == {"file", "session", "putty"}
    old_top = (SAMPLES / "ex2_cucm_tracecollection" / "before" / "cli_sub2_2026-11-18.log").read_text()
    assert "Cpu(s):" in old_top and "k total," in old_top and "%Cpu(s)" not in old_top


def test_cluster_bundle_has_one_node_with_zombies():
    with zipfile.ZipFile(SAMPLES / gen.CLUSTER_ZIP) as archive:
        texts = {n: archive.read(n).decode("utf-8") for n in archive.namelist()}
    zombies = {}
    for node in ("cucm-pub", "cucm-sub1", "imp-pub"):
        secs = sections_from_texts(
            {k.split("/", 1)[1]: v for k, v in texts.items() if k.startswith(node + "/")}
        )
        status = of(secs, "show status")[0]
        assert f"Host Name        : {node}" in status
        count = snapshots(of(secs, "show process load num all")[0])[-1]["tasks"]["zombie"]
        defunct = [r for r in listing(of(secs, "show process list detail")[0]) if r["defunct"]]
        assert count == len(defunct)
        zombies[node] = count
        assert any(
            line.startswith("Cisco AMC Service[STARTED]") for line in of(secs, "utils service list")[0]
        )
        assert len(of(secs, "show network cluster")[0]) > 3
    assert zombies == {"cucm-pub": 0, "cucm-sub1": 1, "imp-pub": 0}


def sections_from_texts(texts: dict[str, str]) -> list[tuple[str, list[str]]]:
    out = []
    for spec in gen.CLUSTER_FILES:
        lines = clean(texts[spec.name])
        assert lines[0] == f"admin:{spec.commands[0]}"
        out.append((spec.commands[0], lines[1:-1] if lines[-1] == "admin:" else lines[1:]))
    return out
