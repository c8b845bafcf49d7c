"""What runs on every UCOS node besides the services: kernel threads and platform daemons."""

from __future__ import annotations

# procps-ng kernels: one thread each, (comm, high priority (S<), WCHAN when not a rescuer)
_NEW_SINGLE_THREADS = [
    ("kdevtmpfs", 0, "devtmp"),
    ("netns", 1, ""),
    ("khungtaskd", 0, "watchd"),
    ("writeback", 1, ""),
    ("kintegrityd", 1, ""),
    ("bioset", 1, ""),
    ("bioset", 1, ""),
    ("bioset", 1, ""),
    ("kblockd", 1, ""),
    ("md", 1, ""),
    ("edac-poller", 1, ""),
    ("watchdogd", 0, "kthrea"),
    ("kswapd0", 0, "kswapd"),
    ("ksmd", 0, "ksm_sc"),
    ("khugepaged", 0, "khugep"),
    ("crypto", 1, ""),
    ("kthrotld", 1, ""),
    ("kmpath_rdacd", 1, ""),
    ("kaluad", 1, ""),
    ("kpsmoused", 1, ""),
    ("ipv6_addrconf", 1, ""),
    ("deferwq", 1, ""),
    ("kauditd", 0, "kaudit"),
    ("ata_sff", 1, ""),
    ("scsi_eh_0", 0, "scsi_e"),
    ("scsi_tmf_0", 1, ""),
    ("scsi_eh_1", 0, "scsi_e"),
    ("scsi_tmf_1", 1, ""),
    ("scsi_eh_2", 0, "scsi_e"),
    ("scsi_tmf_2", 1, ""),
    ("vmw_pvscsi_wq_2", 1, ""),
    ("ttm_swap", 1, ""),
    ("kdmflush", 1, ""),
    ("bioset", 1, ""),
    ("jbd2/sda1-8", 0, "kjourn"),
    ("ext4-rsv-conver", 1, ""),
    ("jbd2/sda3-8", 0, "kjourn"),
    ("ext4-rsv-conver", 1, ""),
    ("jbd2/sda6-8", 0, "kjourn"),
    ("ext4-rsv-conver", 1, ""),
    ("vmmemctl", 0, "balloo"),
    ("hwrng", 0, "hwrng_"),
]


def kernel_thread_names(gen: str, cpus: int) -> list[tuple[str, str, str]]:
    """(comm, STAT, WCHAN) of the kernel threads at boot, in PID order.

    >>> kernel_thread_names("old", 2)[:3]
    [('kthreadd', 'S', 'kthrea'), ('migration/0', 'S', 'migrat'), ('ksoftirqd/0', 'S', 'ksofti')]
    """
    first = [("kthreadd", "S", "kthrea")]
    return first + (_new_threads(cpus) if gen == "new" else _old_threads(cpus))


def _new_threads(cpus: int) -> list[tuple[str, str, str]]:
    """procps-ng / CentOS 7 kernels (3.10)."""
    out: list[tuple[str, str, str]] = []
    out += [
        ("ksoftirqd/0", "S", "smpboo"),
        ("kworker/0:0H", "S<", "worker"),
        ("migration/0", "S", "smpboo"),
        ("rcu_bh", "S", "rcu_gp"),
        ("rcu_sched", "S", "rcu_gp"),
        ("lru-add-drain", "S<", "rescue"),
        ("watchdog/0", "S", "smpboo"),
    ]
    for cpu in range(1, cpus):
        out += [
            (f"watchdog/{cpu}", "S", "smpboo"),
            (f"migration/{cpu}", "S", "smpboo"),
            (f"ksoftirqd/{cpu}", "S", "smpboo"),
            (f"kworker/{cpu}:0H", "S<", "worker"),
        ]
    out += [(n, "S<" if r else "S", "rescue" if r else w) for n, r, w in _NEW_SINGLE_THREADS]
    out += [
        (n, "S<", "rescue")
        for n in (
            "kmpathd",
            "kmpath_handlerd",
            "nfit",
            "acpi_thermal_pm",
            "dm_bufio_cache",
            "kstrp",
            "ext4-rsv-conver",
            "xfsalloc",
        )
    ]
    out += [
        ("jbd2/sda7-8", "S", "kjourn"),
        ("ext4-rsv-conver", "S<", "rescue"),
        ("rpciod", "S<", "rescue"),
        ("xprtiod", "S<", "rescue"),
        ("nfsiod", "S<", "rescue"),
        ("scsi_eh_3", "S", "scsi_e"),
        ("scsi_tmf_3", "S<", "rescue"),
    ]
    for cpu in range(cpus):
        out += [
            (f"kworker/{cpu}:0", "S", "worker"),
            (f"kworker/{cpu}:1", "S", "worker"),
            (f"kworker/{cpu}:2", "S", "worker"),
            (f"kworker/{cpu}:1H", "S<", "worker"),
        ]
    out += [(f"kworker/u{2 * cpus}:{n}", "S", "worker") for n in range(3 * cpus)]
    out += [("bioset", "S<", "rescue")] * (8 + cpus) + [("kdmflush", "S<", "rescue")] * 3
    return out


def _old_threads(cpus: int) -> list[tuple[str, str, str]]:
    """RHEL 6 kernels (2.6.32)."""
    out: list[tuple[str, str, str]] = []
    for cpu in range(cpus):
        out += [
            (f"migration/{cpu}", "S", "migrat"),
            (f"ksoftirqd/{cpu}", "S", "ksofti"),
            (f"stopper/{cpu}", "S", "cpu_st"),
            (f"watchdog/{cpu}", "S", "watchd"),
        ]
    out += [(f"events/{cpu}", "S", "worker") for cpu in range(cpus)]
    out += [(f"events_long/{cpu}", "S", "worker") for cpu in range(cpus)]
    names = ["cgroup", "khelper", "netns", "async/mgr", "pm", "sync_supers", "bdi-default"]
    names += [f"kintegrityd/{c}" for c in range(cpus)] + [f"kblockd/{c}" for c in range(cpus)]
    names += ["kacpid", "kacpi_notify", "kacpi_hotplug", "ata_aux"] + [f"ata_sff/{c}" for c in range(cpus)]
    names += ["ksuspend_usbd", "khubd", "kseriod"] + [f"md/{c}" for c in range(cpus)]
    names += [f"md_misc/{c}" for c in range(cpus)] + [
        "linkwatch",
        "khungtaskd",
        "kswapd0",
        "ksmd",
        "khugepaged",
    ]
    names += [f"aio/{c}" for c in range(cpus)] + [f"crypto/{c}" for c in range(cpus)]
    names += [f"kthrotld/{c}" for c in range(cpus)] + [
        "pciehpd",
        "kpsmoused",
        "usbhid_resumer",
        "deferwq",
        "kdmremove",
        "kstriped",
        "scsi_eh_0",
        "scsi_eh_1",
        "scsi_eh_2",
        "vmw_pvscsi_wq_2",
        "jbd2/sda1-8",
        "ext4-dio-unwrit",
        "jbd2/sda3-8",
        "ext4-dio-unwrit",
        "jbd2/sda6-8",
        "ext4-dio-unwrit",
        "kauditd",
        "vmmemctl",
        "flush-8:0",
    ]
    names += [f"kondemand/{c}" for c in range(cpus)] + [f"kslowd00{n}" for n in range(cpus)]
    names += [
        "jbd2/sda7-8",
        "ext4-dio-unwrit",
        "kmpathd/0",
        "kmpath_handlerd",
        "rpciod/0",
        "nfsiod",
        "scsi_eh_3",
        "ib_addr",
        "infiniband/0",
        "ib_mcast",
        "ib_inform",
        "local_sa",
        "iw_cm_wq",
        "ib_cm/0",
        "rdma_cm",
    ][: 9 + cpus]
    wchans = {
        "kswapd0": "kswapd",
        "ksmd": "ksm_sc",
        "khugepaged": "khugep",
        "khungtaskd": "watchd",
        "kauditd": "kaudit",
        "bdi-default": "bdi_fo",
        "sync_supers": "bdi_sy",
        "flush-8:0": "bdi_wr",
        "vmmemctl": "balloo",
    }
    for name in names:
        wchan = "kjourn" if name.startswith("jbd2") else wchans.get(name, "worker")
        out.append((name, "S", wchan))
    return out


def daemon_defs(gen: str, product: str) -> list[tuple[str, str, str, str, str, float]]:
    """(comm, args, user, STAT, profile, load) of the platform daemons, in start order, parent PID 1."""
    if gen == "new":
        return [
            ("systemd-journal", "/usr/lib/systemd/systemd-journald", "root", "Ss", "small", 0.05),
            ("lvmetad", "/usr/sbin/lvmetad -f", "root", "Ss", "small", 0.0),
            ("systemd-udevd", "/usr/lib/systemd/systemd-udevd", "root", "Ss", "small", 0.0),
            ("auditd", "/sbin/auditd", "root", "S<sl", "small", 0.01),
            ("audispd", "/sbin/audispd", "root", "S<sl", "tiny", 0.0),
            (
                "dbus-daemon",
                "/usr/bin/dbus-daemon --system --address=systemd: --nofork --nopidfile --systemd-activation",
                "dbus",
                "Ssl",
                "small",
                0.0,
            ),
            ("polkitd", "/usr/lib/polkit-1/polkitd --no-debug", "polkitd", "Ssl", "small", 0.0),
            ("systemd-logind", "/usr/lib/systemd/systemd-logind", "root", "Ss", "small", 0.0),
            ("irqbalance", "/usr/sbin/irqbalance --foreground", "root", "Ss", "tiny", 0.01),
            ("vmtoolsd", "/usr/bin/vmtoolsd", "root", "Ssl", "small", 0.06),
            ("VGAuthService", "/usr/bin/VGAuthService -s", "root", "Ss", "small", 0.0),
            ("rsyslogd", "/usr/sbin/rsyslogd -n", "root", "Ssl", "small", 0.03),
            ("crond", "/usr/sbin/crond -n", "root", "Ss", "tiny", 0.0),
            ("atd", "/usr/sbin/atd -f", "root", "Ss", "tiny", 0.0),
            ("agetty", "/sbin/agetty --noclear tty1 linux", "root", "Ss+", "tiny", 0.0),
            (
                "chronyd" if product == "IMnP" else "ntpd",
                "/usr/sbin/chronyd" if product == "IMnP" else "/usr/sbin/ntpd -u ntp:ntp -g",
                "chrony" if product == "IMnP" else "ntp",
                "Ss",
                "small",
                0.0,
            ),
            ("sshd", "/usr/sbin/sshd -D", "root", "Ss", "small", 0.0),
            ("tuned", "/usr/bin/python2 -Es /usr/sbin/tuned -l -P", "root", "Ssl", "small", 0.02),
            ("gssproxy", "/usr/sbin/gssproxy -D", "root", "Ssl", "small", 0.0),
            ("rngd", "/sbin/rngd -f", "root", "Ss", "tiny", 0.0),
            ("rpcbind", "/sbin/rpcbind -w", "rpc", "Ss", "tiny", 0.0),
            (
                "pluto",
                "/usr/libexec/ipsec/pluto --leak-detective --config /etc/ipsec.conf --nofork",
                "root",
                "Ssl",
                "small",
                0.0,
            ),
            ("master", "/usr/libexec/postfix/master -w", "root", "Ss", "small", 0.0),
        ]
    return [
        ("udevd", "/sbin/udevd -d", "root", "S<s", "tiny", 0.0),
        ("auditd", "auditd", "root", "S<sl", "small", 0.01),
        ("rsyslogd", "/sbin/rsyslogd -i /var/run/syslogd.pid -c 5", "root", "Sl", "small", 0.03),
        ("irqbalance", "irqbalance", "root", "Ss", "tiny", 0.01),
        ("dbus-daemon", "dbus-daemon --system", "dbus", "Ss", "small", 0.0),
        ("acpid", "/usr/sbin/acpid", "root", "Ss", "tiny", 0.0),
        ("vmtoolsd", "/usr/sbin/vmtoolsd", "root", "S", "small", 0.06),
        ("sshd", "/usr/sbin/sshd", "root", "Ss", "small", 0.0),
        ("hald", "hald", "haldaemon", "Ssl", "small", 0.0),
        ("xinetd", "xinetd -stayalive -pidfile /var/run/xinetd.pid", "root", "Ss", "tiny", 0.0),
        ("ntpd", "ntpd -u ntp:ntp -p /var/run/ntpd.pid -g", "ntp", "Ss", "small", 0.0),
        ("master", "/usr/libexec/postfix/master", "root", "Ss", "small", 0.0),
        ("crond", "crond", "root", "Ss", "tiny", 0.0),
        ("atd", "/usr/sbin/atd", "root", "Ss", "tiny", 0.0),
    ] + [("mingetty", f"/sbin/mingetty /dev/tty{n}", "root", "Ss+", "tiny", 0.0) for n in range(1, 7)]
