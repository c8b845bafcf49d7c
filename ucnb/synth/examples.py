"""The five worked examples of the seed document and the cluster bundle, with the seed's PIDs."""

from __future__ import annotations

from .desc import Example, FileSpec, NodeDesc, Seed

CUCM_CLUSTER = (
    ("10.10.20.11", "cucm-pub", "Publisher", "callmanager"),
    ("10.10.20.12", "cucm-sub1", "Subscriber", "callmanager"),
    ("10.10.20.21", "imp-pub", "Subscriber", "cups"),
)

EX1 = Example(
    folder="ex1_cucm_amc",
    title="Example 1: CUCM, zombie owned by the AMC service",
    node=NodeDesc(
        host="cucm-sub1",
        product="CUCM",
        role="Subscriber",
        version="14.0.1.12900-161",
        os_version="7.0.0.0-4",
        ip="10.10.20.12",
        gen="new",
        boot="2026-10-09 07:22:31",
        cpus=4,
        mem_mib=8192,
        cli_user="admin",
        timezone="Central European Time (Europe/Berlin)",
        detail="ef",
        forest="cmd",
        rng_seed=101,
        seed=Seed("amc", 29815, "2026-10-27 14:05:33", (22908,), ("2026-11-18 23:40:07",), "sh"),
        boot_pids=6100,
        pid_rate=1250,
        cluster=CUCM_CLUSTER,
    ),
    capture="2026-11-19 10:29:41",
    before=(
        FileSpec("show_status.txt", ("show status",)),
        FileSpec("show_version_active.txt", ("show version active",), "file"),
        FileSpec("show_process_load.txt", ("show process load num all",)),
        FileSpec("show_process_list.txt", ("show process list",), "file"),
        FileSpec("show_process_list_detail.txt", ("show process list detail",)),
        FileSpec("utils_service_list.txt", ("utils service list",)),
    ),
    after=(
        FileSpec("restart_amc.txt", ("utils service restart Cisco AMC Service",)),
        FileSpec("show_status.txt", ("show status",), gap_min=1),
        FileSpec("show_process_load.txt", ("show process load num all",), gap_min=2),
        FileSpec("show_process_list_detail.txt", ("show process list detail",)),
    ),
    after_gap_min=35,
    scenario="A CUCM 14 subscriber shows `1 zombie` in `show process load`. The customer sent one file per "
    "command, some with the `admin:` prompt, some written with the CLI's `file` option.",
    answer="PID 22908 is defunct, its PPID is 29815, which is `/usr/local/cm/bin/amc`: the Cisco AMC Service "
    "(Alert Manager and Collector). Restart AMC on this node: `utils service restart Cisco AMC Service`.",
    service="Cisco AMC Service",
)

EX2 = Example(
    folder="ex2_cucm_tracecollection",
    title="Example 2: CUCM, zombie owned by the Trace Collection Service",
    node=NodeDesc(
        host="cucm-sub2",
        product="CUCM",
        role="Subscriber",
        version="11.5.1.21900-40",
        os_version="6.0.0.0-2",
        ip="10.20.30.13",
        gen="old",
        boot="2026-08-23 02:11:09",
        cpus=4,
        mem_mib=8192,
        cli_user="administrator",
        timezone="Eastern Standard Time (America/New_York)",
        detail="ef",
        forest="axjf",
        rng_seed=202,
        seed=Seed("tracecollection", 26732, "2026-09-30 09:41:55", (10025,), ("2026-11-17 21:15:40",), "sh"),
        boot_pids=5200,
        pid_rate=1000,
        blank_before_header=False,
        cluster=(
            ("10.20.30.11", "cucm-pub", "Publisher", "callmanager"),
            ("10.20.30.12", "cucm-sub1", "Subscriber", "callmanager"),
            ("10.20.30.13", "cucm-sub2", "Subscriber", "callmanager"),
        ),
        domain="uc.example.net",
    ),
    capture="2026-11-18 15:02:17",
    before=(
        FileSpec(
            "cli_sub2_2026-11-18.log",
            (
                "show status",
                "show process load",
                "show process load cont",
                "show process load num all",
                "utils service list",
            ),
        ),
        FileSpec("process_list.txt", ("show process list",), "file"),
        FileSpec("process_list_detail.txt", ("show process list detail",), "file"),
    ),
    after=(
        FileSpec(
            "cli_sub2_2026-11-18_after.log",
            (
                "utils service restart Cisco Trace Collection Service",
                "show status",
                "show process load num all",
            ),
        ),
        FileSpec("process_list_detail_after.txt", ("show process list detail",), "file"),
    ),
    after_gap_min=48,
    scenario="A CUCM 11.5 subscriber (RHEL 6 based, old `top`). The first `show process load` shows only the "
    "top 10 processes: the zombie count is 1 but the zombie is not in the table. `show process load "
    "cont` (three snapshots, stopped with Ctrl-C) shows the count is stable. The listings were written "
    "with the CLI's `file` option; `show process list` is a BSD job-format forest (`ps axjf`-like, "
    "PPID before PID), and ps prints numeric UIDs for user names longer than 8 characters.",
    answer="PID 10025 is defunct, its PPID is 26732, which is `tracecollectionservice` (`tracecollection` in "
    "top): the Cisco Trace Collection Service. Restart it: `utils service restart Cisco Trace Collection "
    "Service`.",
    service="Cisco Trace Collection Service",
)

EX3 = Example(
    folder="ex3_cucm_cdrrep",
    title="Example 3: CUCM publisher, zombie owned by the CDR Repository Manager",
    node=NodeDesc(
        host="cucm-pub",
        product="CUCM",
        role="Publisher",
        version="12.5.1.14900-63",
        os_version="7.0.0.0-4",
        ip="172.16.8.10",
        gen="new",
        boot="2026-09-17 22:40:03",
        cpus=8,
        mem_mib=12288,
        cli_user="administrator",
        timezone="Coordinated Universal Time (Etc/UTC)",
        detail="ef",
        forest="cmd",
        rng_seed=303,
        seed=Seed("cdrrep", 26764, "2026-11-02 06:00:12", (23959,), ("2026-11-19 18:30:02",), "sh"),
        boot_pids=6600,
        pid_rate=1700,
        out_of_service=("Cisco Serviceability Reporter",),
        cluster=(
            ("172.16.8.10", "cucm-pub", "Publisher", "callmanager"),
            ("172.16.8.11", "cucm-sub1", "Subscriber", "callmanager"),
        ),
        domain="voice.example.org",
    ),
    capture="2026-11-20 10:29:41",
    before=(
        FileSpec(
            "putty_cucm-pub_2026-11-20.log",
            (
                "show status",
                "show version active",
                "show process load num all",
                "show process list",
                "show process list detail",
                "utils service list",
            ),
            "putty",
        ),
    ),
    after=(
        FileSpec(
            "putty_cucm-pub_2026-11-20_after.log",
            (
                "utils service restart Cisco CDR Repository Manager",
                "show status",
                "show process load num all",
                "show process list detail",
            ),
            "putty",
        ),
    ),
    after_gap_min=41,
    scenario="A CUCM 12.5 publisher. The customer kept PuTTY's raw session log: the PuTTY header, the login "
    "banner, CRLF line ends, ANSI codes, a typo corrected with backspaces, and two kinds of pager "
    "prompts (some glued to the data, some erased with `\\r` + spaces + `\\r`).",
    answer="PID 23959 is defunct, its PPID is 26764, which is `/usr/local/cm/bin/cdrrep`: the Cisco CDR "
    "Repository Manager. Restart it: `utils service restart Cisco CDR Repository Manager`.",
    service="Cisco CDR Repository Manager",
)

EX4 = Example(
    folder="ex4_cuc_filesync",
    title="Example 4: Unity Connection, three zombies owned by the Connection File Syncer",
    node=NodeDesc(
        host="cuc-sub",
        product="CUC",
        role="Subscriber",
        version="11.5.1.12900-21",
        os_version="6.0.0.0-2",
        ip="10.10.40.12",
        gen="old",
        boot="2026-05-01 04:12:44",
        cpus=4,
        mem_mib=6144,
        cli_user="cucadmin",
        timezone="Central European Time (Europe/Berlin)",
        detail="elf",
        forest="cmd",
        rng_seed=404,
        seed=Seed(
            "CuFileSync",
            7827,
            None,
            (325, 370, 387),
            ("2026-11-16 01:00:04", "2026-11-16 01:00:34", "2026-11-16 01:01:05"),
            "rsync",
            0.04,
        ),
        boot_pids=9400,
        pid_rate=450,
    ),
    capture="2026-11-20 08:45:10",
    before=(
        FileSpec("status.txt", ("show status",), "file"),
        FileSpec("load.txt", ("show process load num all",), "file"),
        FileSpec("ps_list.txt", ("show process list",), "file"),
        FileSpec("ps_detail.txt", ("show process list detail",), "file"),
        FileSpec("services.txt", ("utils service list",)),
    ),
    after=(
        FileSpec("restart_filesync.txt", ("utils service restart Connection File Syncer", "show status")),
        FileSpec("load_after.txt", ("show process load num all",), "file", gap_min=3),
        FileSpec("ps_detail_after.txt", ("show process list detail",), "file"),
    ),
    after_gap_min=27,
    scenario="A Unity Connection 11.5 subscriber up for more than 200 days: the PID counter wrapped (Linux "
    "restarts it at 300), so the zombies have PIDs far below their parent's. `show process list "
    "detail` here is a long listing (`ps -elf`-like: F S UID PID PPID C PRI NI ADDR SZ WCHAN ...).",
    answer="PIDs 325, 370 and 387 are defunct, all with PPID 7827, which is "
    "`/usr/local/unity/bin/CuFileSync`: the Connection File Syncer. Restart it: "
    "`utils service restart Connection File Syncer`.",
    service="Connection File Syncer",
)

EX5 = Example(
    folder="ex5_imnp_sftp",
    title="Example 5: IM and Presence, a defunct ssh under an SFTP connection to the peer node",
    node=NodeDesc(
        host="imp-pub",
        product="IMnP",
        role="Publisher",
        version="12.5.1.14900-4",
        os_version="7.0.0.0-4",
        ip="10.10.20.21",
        gen="new",
        boot="2026-11-01 05:02:18",
        cpus=4,
        mem_mib=8192,
        cli_user="admin",
        timezone="Pacific Standard Time (America/Los_Angeles)",
        detail="ef",
        forest="user",
        rng_seed=505,
        seed=Seed("sftp", 1775, "2026-11-20 03:15:02", (1806,), ("2026-11-20 03:15:03",), "ssh", 0.02),
        boot_pids=5500,
        pid_rate=1500,
        cluster=(
            ("10.10.20.21", "imp-pub", "Publisher", "cups"),
            ("10.10.20.22", "imp-sub1", "Subscriber", "cups"),
        ),
        peer="imp-sub1",
    ),
    capture="2026-11-20 09:12:40",
    before=(
        FileSpec(
            "imp-pub_session.txt",
            (
                "show status",
                "show network cluster",
                "show process load num all",
                "show process list",
                "show process list detail",
                "utils service list",
            ),
        ),
    ),
    after=(
        FileSpec("01_utils_system_restart.txt", ("utils system restart",)),
        FileSpec(
            "02_after_reboot.txt",
            ("show status", "show process load num all", "show process list detail"),
            gap_min=19,
        ),
    ),
    after_gap_min=70,
    scenario="An IM and Presence 12.5 publisher. The parent of the defunct `ssh` is an `sftp` session "
    "(`adminsftp@imp-sub1...`) to the other IM&P node of the cluster, orphaned under PID 1. The seed "
    "calls these cosmetic: a reboot of the server clears them, no service restart is needed.",
    answer="PID 1806 is defunct, its PPID is 1775, an SFTP connection to the other IM&P node (`imp-sub1`). "
    "Cosmetic; cleared by a reboot: `utils system restart` (in a maintenance window).",
    service=None,
)

EXAMPLES = (EX1, EX2, EX3, EX4, EX5)

# The cluster bundle: the publisher and the IM&P node are healthy, cucm-sub1 is example 1's node.
CLUSTER_NODES = (
    NodeDesc(
        host="cucm-pub",
        product="CUCM",
        role="Publisher",
        version="14.0.1.12900-161",
        os_version="7.0.0.0-4",
        ip="10.10.20.11",
        gen="new",
        boot="2026-10-09 06:58:12",
        cpus=8,
        mem_mib=12288,
        cli_user="admin",
        timezone="Central European Time (Europe/Berlin)",
        detail="ef",
        forest="cmd",
        rng_seed=611,
        boot_pids=6400,
        pid_rate=1500,
        cluster=CUCM_CLUSTER,
    ),
    EX1.node,
    NodeDesc(
        host="imp-pub",
        product="IMnP",
        role="Publisher",
        version="14.0.1.12900-5",
        os_version="7.0.0.0-4",
        ip="10.10.20.21",
        gen="new",
        boot="2026-10-09 07:45:50",
        cpus=4,
        mem_mib=8192,
        cli_user="admin",
        timezone="Central European Time (Europe/Berlin)",
        detail="ef",
        forest="cmd",
        rng_seed=633,
        boot_pids=5300,
        pid_rate=1400,
        cluster=CUCM_CLUSTER,
    ),
)
CLUSTER_CAPTURE = "2026-11-19 10:05:12"
CLUSTER_FILES = (
    FileSpec("show_status.txt", ("show status",)),
    FileSpec("show_network_cluster.txt", ("show network cluster",)),
    FileSpec("show_process_load_num_all.txt", ("show process load num all",)),
    FileSpec("show_process_list_detail.txt", ("show process list detail",)),
    FileSpec("utils_service_list.txt", ("utils service list",)),
)
CLUSTER_ZIP = "cluster_cucm_imp.zip"
