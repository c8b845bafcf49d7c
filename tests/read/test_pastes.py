"""Issue 23: the rest of what people paste, and a node that is not a UC server. Each class has its own
fixtures in tests/fixtures/paste/ (the published captures stay unseen); each test asserts what an
engineer reading the paste concludes: the zombies, their parents, the warnings, the words of the advice."""

from __future__ import annotations

from pathlib import Path

import pytest

import ucnb
from ucnb.diagnosis.outcome import assess
from ucnb.model.findings import NodeAnalysis

PASTE = Path(__file__).resolve().parents[1] / "fixtures" / "paste"


def node_of(name: str) -> tuple[ucnb.model.results.Node, NodeAnalysis]:
    bundle = ucnb.load(PASTE / name)
    [node] = bundle.nodes
    [analysis] = ucnb.diagnose(bundle).nodes
    return node, analysis


def zombies(analysis: NodeAnalysis) -> list[tuple[int, int | None]]:
    return sorted((z.pid, z.ppid) for z in analysis.zombies)


def advice(name: str) -> str:
    """Every sentence the outcome gives for the node (the action plan's words and its reasons)."""
    case = assess(ucnb.load(PASTE / name))
    [node] = case.outcome.nodes
    [analysis] = case.analysis.nodes
    words = [analysis.next_step.reason, *(g.reason for g in analysis.groups)]
    words += [f"{step.action} {step.command or ''} {step.why}" for step in node.next_actions]
    words += [f"{a.action} {a.command or ''} {a.note}" for g in analysis.groups for a in g.alternatives]
    return "\n".join(words)


UC_COMMANDS = ("utils system restart", "utils service", "show process", "show network cluster")


# --- 1. several commands in one paste --------------------------------------------------------------

def test_several_commands_are_one_moment_the_parent_row_joined_the_bare_count_kept() -> None:
    node, analysis = node_of("several_commands_chrome.txt")
    assert zombies(analysis) == [(pid, 4290) for pid in
                                 (4411, 4415, 4422, 4430, 4438, 4446, 4453, 4461, 4470, 4478)]
    [group] = analysis.groups
    assert group.parent_command == "/opt/google/chrome/chrome --type=zygote --enable-crash-reporter"
    assert group.parent_source == "several_commands_chrome.txt:14"  # the later `ps 4290`'s row
    assert [(c.label, c.value, c.source) for c in node.counts] == [
        ("ps --ppid 4290 | grep -c Z", 10, "several_commands_chrome.txt:16")]
    assert any("`ps --ppid 4290 | grep -c Z`: 10 (several_commands_chrome.txt:16); the listing shows "
               "10 defunct rows" in w for w in analysis.warnings)
    assert any("read as one moment" in w for w in analysis.warnings)
    assert not any("no PPID column" in w for w in analysis.warnings)  # the parent's own BSD row hides none
    assert [s.command for s in node.sections] == ["show process list detail", "show process list detail",
                                                  "shell count"]


def test_one_command_run_again_stays_separate_snapshots(tmp_path: Path) -> None:
    """`ps aux | grep Z` three times is three moments: the latest decides (as before)."""
    run = ["$ ps -ef | grep defunct", "root  501  40  0 10:00 ?  00:00:00 [sh] <defunct>"]
    again = ["$ ps -ef | grep defunct", "root  777  40  0 10:05 ?  00:00:00 [sh] <defunct>"]
    path = tmp_path / "runs.txt"
    path.write_text("\n".join(run + again) + "\n")
    node, analysis = ucnb.load(path).nodes[0], ucnb.diagnose(ucnb.load(path)).nodes[0]
    assert len(node.listings) == 2
    assert zombies(analysis) == [(777, 40)]


# --- 2. /proc/<pid>/status ---------------------------------------------------------------------------

def test_proc_status_dumps_are_rows_and_a_zombie_leader_with_threads_is_named() -> None:
    node, analysis = node_of("proc_status_zombie_leader.txt")
    assert zombies(analysis) == [(21877, 21850)]
    assert not node.loads  # `Threads: 2` opens no `show process load`
    [group] = analysis.groups
    assert (group.ppid, group.parent_command) == (21850, "launcher.sh")
    assert any("PID 21877 (java) is a zombie thread-group leader with 2 threads "
               "(proc_status_zombie_leader.txt:2-38): it cannot be reaped until its other threads exit"
               in w for w in analysis.warnings)


def test_proc_status_without_prompts() -> None:
    node, analysis = node_of("proc_status_plain.txt")
    assert zombies(analysis) == [(3310, 3302), (3311, 3302)]
    assert [s.command for s in node.sections] == ["proc status"]
    assert not any("thread-group leader" in w for w in analysis.warnings)


# --- 5. counts given as text -----------------------------------------------------------------------

def test_a_count_line_is_evidence_not_the_wrapped_tail_of_a_row() -> None:
    node, analysis = node_of("count_line_between_blocks.txt")
    assert zombies(analysis) == [(10233, 9870), (10240, 9870), (10251, 9870)]
    assert [(c.label, c.value) for c in node.counts] == [("Zombies found", 46)]
    assert any("`Zombies found`: 46 (count_line_between_blocks.txt:5); the listing shows 3 defunct rows" in w
               for w in analysis.warnings)
    commands = [z.command for z in analysis.zombies]
    assert commands == ["[php-fpm7.4] <defunct>"] * 3


# --- 6. UCOS output without process data -----------------------------------------------------------

@pytest.mark.parametrize("name", ["ucos_diagnose_test.txt", "ucos_diagnose_test_mangled.txt"])
def test_ucos_output_without_process_data_asks_for_it(name: str) -> None:
    node, analysis = node_of(name)
    assert node.product != "linux" and node.sections[0].command == "utils diagnose test"
    assert analysis.next_step.reason.startswith("a UC capture with no process data")
    assert analysis.next_step.reason.endswith("send `show process load` and `show process list detail`")
    assert node.unparsed == []


# --- 7. not a UC node ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["container_envoy_pid1.txt", "container_shell_pid1.txt",
                                  "several_commands_chrome.txt", "proc_status_zombie_leader.txt"])
def test_no_sign_of_ucos_is_linux_and_never_gets_a_uc_command(name: str) -> None:
    node, analysis = node_of(name)
    assert node.product == "linux" and analysis.product == "linux"
    assert any(w.startswith("no sign of UCOS") for w in analysis.warnings)
    words = advice(name)
    assert not [command for command in UC_COMMANDS if command in words], words


def test_a_container_whose_pid1_is_an_application_gets_the_init_answer() -> None:
    node, analysis = node_of("container_envoy_pid1.txt")
    [group] = analysis.groups
    assert (group.ppid, group.action, group.count) == (1, "run_with_init", 3)
    assert "is an application, not an init: it does not reap the children it adopts" in group.reason
    assert "(`--init`, tini, dumb-init)" in group.reason
    assert "killing the parent does nothing useful here: it is PID 1 of the container" in group.reason
    [outcome] = assess(ucnb.load(PASTE / "container_envoy_pid1.txt")).outcome.nodes
    assert outcome.next_actions[0].action == "run_with_init"
    assert [s.command for s in outcome.next_actions[1:3]] == ["ps -o pid,args -p 1", "top -b -n 1"]


def test_a_parent_under_a_shell_pid1_gets_both_answers() -> None:
    _, analysis = node_of("container_shell_pid1.txt")
    by_parent = {g.ppid: g for g in analysis.groups}
    assert by_parent[7].action == "restart_parent" and by_parent[1].action == "run_with_init"
    assert "PID 1 (/bin/sh /app/start.sh) is an application, not an init" in by_parent[7].reason


def test_ppid_0_in_a_container_is_outside_the_namespace(tmp_path: Path) -> None:
    path = tmp_path / "exec.txt"
    path.write_text("$ ps -ef\nUID PID PPID C STIME TTY TIME CMD\n"
                    "app 1 0 0 09:00 ? 00:00:01 node /srv/index.js\n"
                    "app 66 0 0 09:10 ? 00:00:00 [sh] <defunct>\n")
    _, analysis = node_of_path(path)
    [group] = analysis.groups
    assert group.ppid == 0 and group.action == "restart_container"
    assert "the parent is outside this PID namespace (the container runtime's shim" in group.reason


def test_uc_captures_keep_their_product() -> None:
    bundle = ucnb.load(Path(__file__).resolve().parents[2] / "sample_outputs")
    assert "linux" not in {node.product for node in bundle.nodes}


def node_of_path(path: Path) -> tuple[ucnb.model.results.Node, NodeAnalysis]:
    bundle = ucnb.load(path)
    return bundle.nodes[0], ucnb.diagnose(bundle).nodes[0]


# --- 3. listings wrapped in markup -------------------------------------------------------------------

def test_html_escaped_listing_collapsed_onto_one_line_is_read_row_by_row() -> None:
    node, analysis = node_of("html_pre_collapsed.txt")
    assert zombies(analysis) == [(23101, 23088), (23125, 23088), (23190, 23088)]
    [group] = analysis.groups
    assert group.parent_command == "node /srv/app/server.js --port=8080 && true"  # &amp; unescaped
    assert [z.source for z in analysis.zombies] == ["html_pre_collapsed.txt:2"] * 3
    assert any("HTML markup taken off and entities unescaped before reading (lines 1-3)" in w
               for w in analysis.warnings)
    assert any("collapsed onto one line" in w for w in analysis.warnings)
    assert [u.text for u in node.unparsed] == ["After a few hours I get these:", "How do I get rid of them?"]


def test_mail_quoted_rows_wrapped_by_the_mail_are_unquoted_and_joined() -> None:
    node, analysis = node_of("mail_quoted_wrapped.txt")
    assert zombies(analysis) == [(8812, 2210), (8830, 2210)]
    [group] = analysis.groups
    assert group.parent_command == "/usr/libexec/postfix/master -w"
    assert [z.command for z in analysis.zombies] == ["[cleanup] <defunct>"] * 2
    assert any("mail quotes (`>`) taken off before reading (lines 2-15)" in w for w in analysis.warnings)


def test_markdown_backticked_rows() -> None:
    _, analysis = node_of("markdown_backticks.txt")
    assert zombies(analysis) == [(5520, 5301), (5531, 5301)]
    assert analysis.groups[0].parent_command.startswith("java -jar agent.jar")
    assert any("Markdown fences and backticks taken off" in w for w in analysis.warnings)


def test_ucos_own_quote_marks_are_not_mail_quotes() -> None:
    """`>> Return code = 0` of `utils service list` is UCOS's own line, not a quoted mail."""
    bundle = ucnb.load(Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "services")
    assert not any("mail quotes" in w for node in bundle.nodes for w in node.warnings)
    assert not any("mail quotes" in w for w in bundle.warnings)


# --- 4. AIX and other ps that print <defunct> alone --------------------------------------------------

def test_aix_defunct_rows_with_blank_columns() -> None:
    node, analysis = node_of("aix_ps_ef_defunct.txt")
    assert zombies(analysis) == [(2162876, 4915308), (3211500, 4915308), (3276990, 4915308)]
    [group] = analysis.groups
    assert (group.parent_command, group.parent_source) == ("ora_j000_PROD", "aix_ps_ef_defunct.txt:8")
    assert any("3 defunct rows with blank columns (AIX prints no UID, STIME or TTY for a zombie)" in w
               for w in analysis.warnings)
    assert node.unparsed == []


def test_aix_defunct_on_the_next_line() -> None:
    node, analysis = node_of("aix_ps_efl_continuation.txt")
    assert zombies(analysis) == [(2162876, 4915308), (3211500, 4915308)]
    assert [z.source for z in analysis.zombies] == ["aix_ps_efl_continuation.txt:4-5",
                                                    "aix_ps_efl_continuation.txt:6-7"]
    assert analysis.groups[0].parent_command == "ora_j000_PROD"
    assert node.unparsed == []


def test_aix_defunct_rows_without_header(tmp_path: Path) -> None:
    path = tmp_path / "aix.txt"
    path.write_text("  2162876 4915308   0   0:00 <defunct>\n  3211500 4915308   0   0:00 <defunct>\n")
    _, analysis = node_of_path(path)
    assert zombies(analysis) == [(2162876, 4915308), (3211500, 4915308)]


def test_defunct_rows_without_a_pid_column_are_counted_never_no_capture() -> None:
    node, analysis = node_of("no_pid_column.txt")
    assert analysis.next_step.reason.startswith("7 defunct rows, no PID column: the parent cannot be named "
                                                "(no_pid_column.txt:2 ... no_pid_column.txt:8)")
    assert len(node.unparsed) == 7
    assert {u.reason for u in node.unparsed} == {
        "a defunct row without a PID column: its parent cannot be named"}


def test_a_stat_comm_listing_with_its_header(tmp_path: Path) -> None:
    path = tmp_path / "statcomm.txt"
    path.write_text("STAT COMMAND\nZ    sh <defunct>\nZ    sh <defunct>\nSs   init\n")
    _, analysis = node_of_path(path)
    assert analysis.next_step.reason.startswith("2 defunct rows, no PID column: the parent cannot be named")


def test_a_linux_host_running_jabberd_is_no_im_and_p(tmp_path: Path) -> None:
    """Process names the catalogue ties to a product but that other systems run too (jabberd2, sipd)
    are no sign of UCOS on their own."""
    path = tmp_path / "xmpp.txt"
    path.write_text("$ ps -ef\nUID PID PPID C STIME TTY TIME CMD\n"
                    "root 1 0 0 Dec01 ? 00:00:09 /sbin/init\n"
                    "jabber 812 1 0 Dec01 ? 00:01:00 jabberd -c /etc/jabberd/jabberd.cfg\n"
                    "jabber 990 812 0 Dec02 ? 00:00:00 [sh] <defunct>\n")
    node, analysis = node_of_path(path)
    assert node.product == "linux"
    assert analysis.groups[0].action == "restart_parent"


# --- a `ps -o FORMAT` piped to grep: the header is cut, the command names the columns -----------------

@pytest.mark.parametrize(("name", "expected", "parent"), [
    ("ps_o_format_grepped.txt", [(4242, 4100), (4243, 4100)], "/usr/bin/java -Xmx2g -jar /opt/app/app.jar"),
    ("ps_o_format_bsd_suppressed.txt", [(31877, 31850), (31902, 31850)],
     "php-fpm: master process (/etc/php/8.1/fpm/php-fpm.conf)"),
])
def test_rows_cut_from_their_header_are_read_in_the_columns_the_typed_ps_names(
        name: str, expected: list[tuple[int, int]], parent: str) -> None:
    node, analysis = node_of(name)
    assert zombies(analysis) == expected  # not "no PPID column": the TTY guess read PPID as a terminal
    [group] = analysis.groups
    assert group.parent_command == parent
    assert any("rows read in the columns the typed `ps` names: PID PPID" in w for w in analysis.warnings)
    assert not any("no PPID column" in w for w in analysis.warnings)
    assert not any(u.reason for listing in node.listings for u in listing.unparsed)


def test_defunct_rows_marked_by_hand_after_their_name_stay_zombies() -> None:
    node, analysis = node_of("defunct_marked_by_hand.txt")
    assert zombies(analysis) == [(22908, 29815), (22911, 29815), (22915, 29815)]  # not the echo's child
    [group] = analysis.groups
    assert group.parent_command == "/usr/local/cm/bin/amc"
    [listing] = node.listings
    commands = dict(zip(listing.processes["pid"], listing.processes["command"], strict=True))
    assert commands[22908] == "[sh] <defunct>    <-- this one"  # the note is kept as written: nothing lost


# --- the procedure's own paste: the defunct row and its parent's row, grepped out with their numbers -----

@pytest.mark.parametrize(("parent", "service"), [
    ("/usr/local/cm/bin/amc", "Cisco AMC Service"),  # a UCOS folder: the short name is the catalogue's
    ("/usr/bin/amc", None),  # elsewhere a three-letter name proves nothing without the product
])
def test_grepped_rows_without_the_node_identity_still_name_a_uc_programs_service(
        tmp_path: Path, parent: str, service: str | None) -> None:
    paste = tmp_path / "grep.txt"
    paste.write_text("admin:show process list detail\n"
                     "251:ccmserv+ 22908 29815  0 Nov18 ?        00:00:00 [sh] <defunct>\n"
                     f"258:ccmserv+ 29815  1119  0 Oct27 ?        05:00:37 {parent}\n")
    [analysis] = ucnb.diagnose(ucnb.load(paste)).nodes
    assert analysis.product == "unknown"  # no `show status`: the product is not known
    [group] = analysis.groups
    assert (group.ppid, group.service) == (29815, service)
