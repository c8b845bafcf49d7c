"""Processes of a simulated node and the PID counter that hands out their PIDs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PID_MAX = 32768  # /proc/sys/kernel/pid_max on these releases
PID_WRAP = 300  # the kernel restarts the counter at 300 (RESERVED_PIDS)
MIN_PID_RATE = 400  # PIDs per day at least between anchors (UCOS runs many short scripts)

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

UIDS = {
    "root": 0,
    "rpc": 32,
    "dbus": 81,
    "ntp": 38,
    "postfix": 89,
    "haldaemon": 68,
    "polkitd": 998,
    "chrony": 996,
    "informix": 501,
    "ccmservice": 502,
    "database": 503,
    "tomcat": 504,
    "drf": 505,
    "ccmbase": 506,
    "cucsmgr": 507,
    "sipproxy": 508,
    "timesten": 509,
    "xcpuser": 510,
    "jetty": 511,
}
CLI_UID = 1000


def ts(text: str) -> datetime:
    """'2026-11-19 10:29:41' -> datetime."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")


# --------------------------------------------------------------------------------------------
# Processes and the PID counter
# --------------------------------------------------------------------------------------------


@dataclass
class Proc:
    """One process of the simulated node."""

    pid: int
    ppid: int
    user: str
    comm: str  # kernel comm name (<= 15 characters)
    args: str  # command line as ps prints it
    start: datetime
    state: str = "S"  # R, S, D, Z
    stat: str = ""  # BSD STAT suffix: s l < N +
    load: float = 0.0  # average %CPU (of one CPU) since start
    cpu0: float = 0.0  # CPU seconds already used at start (zombies: what the child used)
    virt: int = 0  # KiB
    res: int = 0
    shr: int = 0
    ni: int = 0
    rt: bool = False
    tty: str = "?"
    wchan: str = "poll_s"
    kernel: bool = False
    busy: float = 0.0  # typical instantaneous %CPU in top

    @property
    def zombie(self) -> bool:
        return self.state == "Z"

    def cpu_at(self, at: datetime) -> float:
        return self.cpu0 + self.load / 100.0 * max(0.0, (at - self.start).total_seconds())


def wrap(unwrapped: int) -> int:
    """Map the ever-growing counter to a PID: 1..32767, then 300..32767 again and again.

    >>> wrap(32767), wrap(32768), wrap(32768 + 32468)
    (32767, 300, 300)
    """
    if unwrapped < PID_MAX:
        return unwrapped
    return PID_WRAP + (unwrapped - PID_MAX) % (PID_MAX - PID_WRAP)


def unwrap_after(pid: int, previous: int, min_gap: int) -> int:
    """The smallest counter value >= previous + min_gap that shows as `pid`."""
    if previous + min_gap <= pid < PID_MAX:
        return pid
    lap = 0
    while True:
        value = PID_MAX + lap * (PID_MAX - PID_WRAP) + (pid - PID_WRAP)
        if value >= previous + min_gap:
            return value
        lap += 1


class PidClock:
    """Piecewise linear PID counter through (time, unwrapped counter) anchors."""

    def __init__(self, anchors: list[tuple[datetime, int]], rate_per_day: int) -> None:
        self.anchors = anchors
        self.rate = rate_per_day
        for (t0, u0), (t1, u1) in zip(anchors, anchors[1:], strict=False):
            assert t1 > t0 and u1 > u0, f"PID anchors not increasing: {anchors}"

    def at(self, when: datetime) -> int:
        anchors = self.anchors
        if when <= anchors[0][0]:
            return anchors[0][1]
        for (t0, u0), (t1, u1) in zip(anchors, anchors[1:], strict=False):
            if when <= t1:
                frac = (when - t0).total_seconds() / (t1 - t0).total_seconds()
                return wrap(u0 + int(frac * (u1 - u0)))
        t_last, u_last = anchors[-1]
        return wrap(u_last + int((when - t_last).total_seconds() / 86400 * self.rate))
