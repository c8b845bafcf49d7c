"""ucnb benchmarks (issues 2, 3 and 8): parse speed against jc, insights-core and a floor; whole-process
CLI runs; the diagnosis of a huge listing; a 100-node bundle. Not a test: it prints ratios and peak
memory and writes them to bench/out/latest.json. See bench/README.md for how to read the table.

    .venv/bin/python bench/run.py                 # the full run (several minutes)
    .venv/bin/python bench/run.py --quick         # small sizes, a few seconds a group
    .venv/bin/python bench/run.py --only parse    # groups: parse, top, cli, analyze, bundle, memory, redact,
                                                  # oneline, shapes
    .venv/bin/python bench/run.py --profile       # cProfile top 10 of ucnb for every missed target

Times are the best of N `time.perf_counter` runs (garbage collected before each); every timed call
starts from the file on disk (read + parse), ucnb and competitors alike. In-process peak memory is
`tracemalloc`'s peak during one extra run (so it counts Python and numpy allocations, not the
interpreter); a subprocess's peak memory is its maximum resident set size (`ru_maxrss`, from wait4).
Ratios are ucnb time / competitor time: lower is better, machine speed cancels out.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import gc
import io
import json
import os
import platform
import pstats
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(BENCH)]

import generate  # noqa: E402  (bench/generate.py, next to this file)
import shapes  # noqa: E402  (bench/shapes.py)

OUT = BENCH / "out"
GROUPS = ("parse", "top", "cli", "analyze", "bundle", "memory", "redact", "oneline", "shapes", "perfmon")
MIB = 2**20


# --------------------------------------------------------------------------------------------
# measuring


def interleaved(fns: dict[str, Callable[[], Any]], repeat: int, budget_s: float = 60.0) -> dict[str, float]:
    """Best wall time of each function, measured in rounds (each called once a round, in turn), so a
    machine that gets busier or quieter meanwhile weighs on all of them alike."""
    best = dict.fromkeys(fns, float("inf"))
    spent = 0.0
    for _ in range(max(1, repeat)):
        for name, fn in fns.items():
            gc.collect()
            start = time.perf_counter()
            fn()
            elapsed = time.perf_counter() - start
            best[name] = min(best[name], elapsed)
            spent += elapsed
        if spent > budget_s:
            break
    return best


def traced_peak(fn: Callable[[], Any]) -> float:
    """Peak traced allocation (MiB) of one call of `fn`."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / MIB
    finally:
        tracemalloc.stop()


@dataclass
class ProcessRun:
    seconds: float
    peak_mib: float
    returncode: int | None  # None: killed at the timeout
    stdout: bytes
    stderr: bytes


# A small launcher measures each run. Measuring from here would be wrong: Linux carries a forked
# child's maximum RSS across exec, so every child of this (large) process would seem as large as it.
# The launcher is small and fresh: its child's ru_maxrss is the child's own.
_LAUNCHER = """
import json, resource, subprocess, sys, time
result, timeout, argv = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
start = time.perf_counter()
try:
    code = subprocess.run(argv, timeout=timeout).returncode
except subprocess.TimeoutExpired:
    code = None
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
with open(result, "w") as f:
    json.dump({"seconds": seconds, "returncode": code, "maxrss_kib": peak}, f)
"""


def run_process(argv: list[str], *, stdin: Path | None = None, timeout: float = 300.0) -> ProcessRun:
    """Wall time (interpreter start included) and peak RSS of one subprocess."""
    with contextlib.ExitStack() as stack:
        out = stack.enter_context(tempfile.TemporaryFile())
        err = stack.enter_context(tempfile.TemporaryFile())
        src = stack.enter_context(open(stdin, "rb")) if stdin else subprocess.DEVNULL
        folder = stack.enter_context(tempfile.TemporaryDirectory())
        result = Path(folder) / "run.json"
        env = {k: v for k, v in os.environ.items() if k != "UCNB_DEBUG"}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH", "")]))
        launcher = [sys.executable, "-S", "-c", _LAUNCHER, str(result), str(timeout), *argv]
        subprocess.run(launcher, stdin=src, stdout=out, stderr=err, cwd=REPO, env=env, check=False)
        measured = json.loads(result.read_text())
        out.seek(0)
        err.seek(0)
        return ProcessRun(measured["seconds"], measured["maxrss_kib"] / 1024, measured["returncode"],
                          out.read(), err.read())


def interleaved_processes(runs: dict[str, tuple[list[str], Path | None]], repeat: int,
                          budget_s: float = 90.0, timeout: float = 300.0) -> dict[str, ProcessRun]:
    """The fastest run of each command (with the largest peak RSS seen), measured in rounds."""
    best: dict[str, ProcessRun] = {}
    peak: dict[str, float] = dict.fromkeys(runs, 0.0)
    failed: set[str] = set()
    spent = 0.0
    for _ in range(max(1, repeat)):
        for name, (argv, stdin) in runs.items():
            if name in failed:
                continue
            run = run_process(argv, stdin=stdin, timeout=timeout)
            peak[name] = max(peak[name], run.peak_mib)
            spent += run.seconds
            if name not in best or run.seconds < best[name].seconds:
                best[name] = run
            if run.returncode != 0:
                failed.add(name)
                best[name] = run
        if spent > budget_s:
            break
    for name, run in best.items():
        run.peak_mib = peak[name]
    return best


# --------------------------------------------------------------------------------------------
# results


@dataclass
class Result:
    case: str
    size: str
    ucnb_s: float | None
    competitor: str
    competitor_s: float | None
    target: str = ""  # e.g. "<= 0.5"; "" when the row has no target
    status: str = "INFO"  # PASS, MISS, INFO, ERROR, SKIP
    ucnb_peak_mib: float | None = None
    competitor_peak_mib: float | None = None
    note: str = ""
    limit: float | None = field(default=None, repr=False)  # the ratio (or seconds) the target allows
    profile: str = ""  # key of the ucnb call to profile when the target is missed

    @property
    def ratio(self) -> float | None:
        if self.ucnb_s is None or not self.competitor_s:
            return None
        return self.ucnb_s / self.competitor_s

    def judge(self, value: float | None, limit: float | None) -> None:
        self.limit = limit
        if limit is None:
            return
        if value is None:
            self.status = "ERROR" if self.status != "SKIP" else "SKIP"
            return
        self.status = "PASS" if value <= limit else "MISS"
        if self.status == "MISS":
            self.note = (self.note + "; " if self.note else "") + f"{value / limit:.2f}x over the target"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ratio"] = self.ratio
        return data


def _f(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value * 1000:.1f} ms" if value < 1 else f"{value:.2f} s"
    return f"{value:.1f}"


def table(results: list[Result]) -> str:
    head = ["case", "size", "ucnb", "competitor", "its time", "ratio", "target", "status",
            "ucnb MiB", "comp. MiB", "note"]
    rows = [head]
    for r in results:
        ratio = "-" if r.ratio is None else f"{r.ratio:.3f}"
        rows.append([r.case, r.size, _f(r.ucnb_s), r.competitor, _f(r.competitor_s), ratio, r.target,
                     r.status, _f(r.ucnb_peak_mib, "MiB"), _f(r.competitor_peak_mib, "MiB"), r.note])
    widths = [max(len(row[i]) for row in rows) for i in range(len(head) - 1)]
    lines = []
    for n, row in enumerate(rows):
        cells = "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False))
        lines.append(f"{cells}  {row[-1]}".rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths) + "  " + "-" * 4)
    return "\n".join(lines)


def _size(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 and n >= 1000 else str(n)


# --------------------------------------------------------------------------------------------
# the cases


class Bench:
    def __init__(self, quick: bool, repeat: int | None, data: Path) -> None:
        self.quick = quick
        self.repeat = repeat or (3 if quick else 5)
        self.slow_repeat = 1 if quick else 3
        self.data = data
        self.results: list[Result] = []
        self.profiles: dict[str, Callable[[], Any]] = {}  # case label -> the ucnb call to profile
        self.sizes = (1_000, 2_000) if quick else (1_000, 10_000, 100_000)
        python = Path(sys.executable)
        script = python.parent / "ucnb"
        self.ucnb_cmd = [str(script)] if script.exists() else [sys.executable, "-m", "ucnb.cli"]
        jc_script = python.parent / "jc"
        self.jc_cmd = [str(jc_script)] if jc_script.exists() else [sys.executable, "-m", "jc"]

    def add(self, result: Result, limit: float | None = None, value: float | None = None) -> Result:
        if limit is not None:
            result.judge(result.ratio if value is None else value, limit)
        self.results.append(result)
        print(f"  {result.case} {result.size} vs {result.competitor}: ucnb {_f(result.ucnb_s)}, "
              f"{_f(result.competitor_s)}, {result.status} {result.note}", file=sys.stderr, flush=True)
        return result

    def file(self, name: str, make: Callable[[], str]) -> Path:
        path = self.data / name
        if not path.exists():
            path.write_text(make(), encoding="utf-8")
        return path

    # -- 1. listing parse -----------------------------------------------------------------------
    def parse(self) -> None:
        from ucnb.read.parsers.listing import parse_listing

        for n in self.sizes:
            path = self.file(f"ps_ef_{n}.txt", lambda n=n: generate.ps_ef(n))
            expected_zombies = n // 1000 + 3

            def ucnb(path: Path = path) -> Any:
                return parse_listing(path.read_text(encoding="utf-8").splitlines(), file=path.name)

            listing = ucnb()
            rows, zombies = len(listing.processes), int(listing.processes["zombie"].sum())
            ok = rows == n and zombies == expected_zombies and not listing.unparsed
            check = "" if ok else f"ucnb: {rows} rows, {zombies} zombies (expected {n}, {expected_zombies})"
            fns: dict[str, Callable[[], Any]] = {"ucnb": ucnb}
            results: dict[str, Result] = {}
            for name, fn, limit, count in self._listing_competitors(path):
                at_target = n == 100_000 and limit is not None
                result = Result("listing parse", _size(n), None, name, None,
                                target=f"<= {limit}" if at_target else "", limit=limit if at_target else None,
                                profile=f"listing parse {_size(n)}")
                try:
                    got = count(fn())
                    fns[name] = fn
                    result.note = check or ("" if got == n or name == "floor" else f"{name} read {got} rows")
                except Exception as error:  # a competitor that fails is reported, not fatal
                    result.status, result.note = "ERROR", f"{type(error).__name__}: {error}"
                results[name] = result
            times = interleaved(fns, self.repeat)
            m_ucnb = traced_peak(ucnb)
            self.profiles[f"listing parse {_size(n)}"] = ucnb
            for name, result in results.items():
                result.ucnb_s, result.ucnb_peak_mib = times["ucnb"], m_ucnb
                if name in times:
                    result.competitor_s, result.competitor_peak_mib = times[name], traced_peak(fns[name])
                self.add(result, result.limit)

    def _listing_competitors(self, path: Path) -> list[tuple[str, Callable[[], Any], float | None, Callable]]:
        import jc.parsers.ps
        from insights.parsers.ps import PsEf
        from insights.tests import context_wrap

        def floor() -> Any:
            return [line.split() for line in path.read_text(encoding="utf-8").splitlines()]

        def insights() -> Any:
            return PsEf(context_wrap(path.read_text(encoding="utf-8")))

        def jc_ps() -> Any:
            return jc.parsers.ps.parse(path.read_text(encoding="utf-8"), quiet=True)

        return [
            ("insights-core PsEf", insights, 0.5, lambda r: len(r.data)),
            ("jc ps", jc_ps, None, len),
            ("floor", floor, 3.0, lambda r: len(r) - 1),
        ]

    # -- 2. top parse ---------------------------------------------------------------------------
    def top(self) -> None:
        import jc.parsers.top

        from ucnb.read.parsers.load import parse_load

        for n in self.sizes:
            path = self.file(f"top_{n}.txt", lambda n=n: generate.top_snapshot(n))

            def ucnb(path: Path = path) -> Any:
                return parse_load(path.read_text(encoding="utf-8").splitlines(), file=path.name)

            def floor(path: Path = path) -> Any:
                return [line.split() for line in path.read_text(encoding="utf-8").splitlines()]

            def jc_top(path: Path = path) -> Any:
                return jc.parsers.top.parse(path.read_text(encoding="utf-8"), quiet=True)

            capture = ucnb()
            snap = capture.snapshots[0] if capture.snapshots else None
            rows = 0 if snap is None else len(snap.processes)
            zombie_field = None if snap is None else snap.summary.zombie
            ok = rows == n and zombie_field == n // 1000 + 3 and not capture.unparsed
            check = "" if ok else f"ucnb read {rows} rows, zombie field {zombie_field}"
            at_target = n == 10_000
            result = Result("top parse", _size(n), None, "jc top", None, note=check,
                            target="<= 0.05 (>= 20x faster)" if at_target else "",
                            profile=f"top parse {_size(n)}")
            fns: dict[str, Callable[[], Any]] = {"ucnb": ucnb, "floor": floor}
            if n <= 10_000:  # jc in the same rounds; at 100k it is too slow for rounds
                got = len(jc_top()[0]["processes"])
                fns["jc"] = jc_top
                if got != n:
                    result.note = "; ".join(filter(None, [result.note, f"jc read {got} rows"]))
            times = interleaved(fns, self.repeat if n < 10_000 else self.slow_repeat, budget_s=45)
            m_ucnb = traced_peak(ucnb)
            self.profiles[f"top parse {_size(n)}"] = ucnb
            self.add(Result("top parse", _size(n), times["ucnb"], "floor", times["floor"], note=check,
                            ucnb_peak_mib=m_ucnb, competitor_peak_mib=traced_peak(floor)))
            result.ucnb_s, result.ucnb_peak_mib = times["ucnb"], m_ucnb
            if "jc" in times:
                result.competitor_s = times["jc"]
                if times["jc"] < 5:  # tracemalloc slows jc down a lot: only where it stays short
                    result.competitor_peak_mib = traced_peak(jc_top)
            else:
                # jc's top parser is slow at this size: one run in a child process, capped.
                result.competitor_s, result.competitor_peak_mib, note = self._jc_top_child(path, timeout=180)
                result.note = "; ".join(filter(None, [result.note, note]))
            self.add(result, 0.05 if at_target else None)

    def _jc_top_child(self, path: Path, timeout: float) -> tuple[float | None, float | None, str]:
        script = (
            "import sys, time, json, resource; import jc.parsers.top as t; text = open(sys.argv[1]).read(); "
            "s = time.perf_counter(); r = t.parse(text, quiet=True); s = time.perf_counter() - s; "
            "print(json.dumps([s, len(r[0]['processes'])]))"
        )
        run = run_process([sys.executable, "-c", script, str(path)], timeout=timeout)
        if run.returncode is None:
            return None, run.peak_mib, f"jc top stopped after {timeout:.0f} s (1 run, child process)"
        if run.returncode != 0:
            return None, None, f"jc top failed: {run.stderr.decode(errors='replace').strip()[-200:]}"
        seconds, rows = json.loads(run.stdout)
        return seconds, run.peak_mib, f"jc: 1 run in a child process ({rows} rows; MiB = its max RSS)"

    # -- 3. whole process -----------------------------------------------------------------------
    def cli(self) -> None:
        n_ps = 10_000 if self.quick else 100_000
        n_top = 2_000 if self.quick else 10_000
        # What every run pays before reading anything: the interpreter and the imports.
        tiny = self.file("top_start_up.txt",  # a 20-row snapshot: the summary, the header, 20 rows
                         lambda: "\n".join(generate.top_snapshot(40).splitlines()[:27]) + "\n")
        cases = [
            ("start-up: inspect --json", 20, tiny, "--top", None, "show process load"),
            ("inspect --json ps -ef", n_ps, self.file(f"ps_ef_{n_ps}.txt", lambda: generate.ps_ef(n_ps)),
             "--ps", 0.6, "show process list detail"),
            ("inspect --json top", n_top, self.file(f"top_{n_top}.txt", lambda: generate.top_snapshot(n_top)),
             "--top", 0.1, "show process load"),
        ]
        for label, n, path, jc_flag, limit, command in cases:
            # -q: jc's per-row "truncated by top" warnings off, the faster jc (in-process jc runs quiet too)
            runs = interleaved_processes({"ucnb": ([*self.ucnb_cmd, "inspect", "--json", str(path)], None),
                                          "jc": ([*self.jc_cmd, "-q", jc_flag], path)}, self.slow_repeat)
            ucnb, jc = runs["ucnb"], runs["jc"]
            note = ""
            if ucnb.returncode != 0:
                note = f"ucnb exit {ucnb.returncode}: {ucnb.stderr.decode(errors='replace').strip()[-300:]}"
            else:
                rows = _inspect_rows(ucnb.stdout, command)
                if rows != n:
                    note = f"inspect reported {rows} rows for {command!r} (expected {n})"
            if jc.returncode != 0:
                note = "; ".join(filter(None, [note, f"jc exit {jc.returncode}"]))
            at_target = limit is not None and not self.quick
            result = Result(f"process: {label}", _size(n), ucnb.seconds if ucnb.returncode == 0 else None,
                            f"jc -q {jc_flag}", jc.seconds if jc.returncode == 0 else None,
                            target=f"<= {limit}" if at_target else "", ucnb_peak_mib=ucnb.peak_mib,
                            competitor_peak_mib=jc.peak_mib, note=note,
                            profile=f"process: {label} {_size(n)}")
            self.add(result, limit if at_target else None)
            self.profiles[f"process: {label} {_size(n)}"] = _in_process_cli("inspect", path)

    # -- 4. analysis of a huge listing ------------------------------------------------------------
    def analyze(self) -> None:
        n, zombies = (10_000, 3_000) if self.quick else (100_000, 30_000)
        folder = self.data / f"analyze_{n}"
        if not folder.exists():
            folder.mkdir(parents=True)
            procs = generate.population(n, zombies=zombies, zombie_parent="amc", seed=7)
            (folder / "show_process_list_detail.txt").write_text(generate.render_ps_ef(procs))
            # `show process load` without `num all`: the count, and only the 10 busiest rows
            top = generate.render_top(procs, seed=7).splitlines()
            table_at = next(i for i, line in enumerate(top) if "PID USER" in line)
            (folder / "show_process_load.txt").write_text("\n".join(top[: table_at + 11]) + "\n")
        result = Result("analysis (load + analyze)", f"{_size(n)}/{_size(zombies)} Z", None, "absolute", None,
                        target="" if self.quick else "<= 2 s", profile=f"analysis {_size(n)}")
        try:
            import ucnb
            from ucnb.diagnosis.diagnose import analyze

            def run() -> Any:
                return analyze(ucnb.load(folder))

            document = run()
            groups = [g for node in document["nodes"] for g in node["groups"]]
            biggest = max((len(g["zombie_pids"]) for g in groups), default=0)
            if biggest != zombies:
                result.note = f"largest group holds {biggest} zombies (expected {zombies})"
            result.ucnb_s = interleaved({"ucnb": run}, self.slow_repeat)["ucnb"]
            result.ucnb_peak_mib = traced_peak(run)
            self.profiles[f"analysis {_size(n)}"] = run
        except Exception as error:  # not built yet, or broken: report it, keep going
            result.status = "ERROR"
            result.note = f"{type(error).__name__}: {error}"[:300]
        self.add(result, None if self.quick else 2.0, value=result.ucnb_s)
        self.deep_chain()

    def deep_chain(self) -> None:
        """A zombie under a 25,000-deep chain of helpers costs about what the same rows side by side cost."""
        import ucnb
        from ucnb.diagnosis.diagnose import analyze

        depth = 5_000 if self.quick else 25_000
        deep = self.file(f"chain_{depth}.txt", lambda: generate.chain(depth))
        flat = self.file(f"chain_{depth}_flat.txt", lambda: generate.chain(depth, flat=True))
        runs = {"ucnb": lambda: analyze(ucnb.load(deep)), "flat": lambda: analyze(ucnb.load(flat))}
        (group,) = runs["ucnb"]()["nodes"][0]["groups"]
        note = "" if group["service"] == "Cisco CDR Repository Manager" else f"owner: {group['service']}"
        times = interleaved(runs, self.slow_repeat)
        result = Result("analysis, chain (load + analyze)", f"{_size(depth)} deep", times["ucnb"],
                        "same rows flat", times["flat"], target="<= 8", note=note,
                        profile=f"chain {_size(depth)}")
        self.profiles[f"chain {_size(depth)}"] = runs["ucnb"]
        self.add(result, None if self.quick else 8.0)

    # -- 5. a 100-node bundle -------------------------------------------------------------------
    def bundle(self) -> None:
        sizes = (4, 10) if self.quick else (10, 100)
        for nodes in sizes:
            folder = self.data / f"bundle_{nodes}"
            if not folder.exists():
                generate.write_bundle(folder, nodes=nodes, n_processes=400)
            run = interleaved_processes({"ucnb": ([*self.ucnb_cmd, "analyze", "--json", str(folder)], None)},
                                        self.slow_repeat)["ucnb"]
            note = ""
            if run.returncode != 0:
                note = f"ucnb exit {run.returncode}: {run.stderr.decode(errors='replace').strip()[-300:]}"
            else:
                found = len(json.loads(run.stdout)["nodes"])
                note = f"{found} nodes in the JSON" + ("" if found == nodes else f" (expected {nodes})")
            self.add(Result("process: analyze --json bundle", f"{nodes} nodes x 400",
                            run.seconds if run.returncode == 0 else None, "absolute", None,
                            ucnb_peak_mib=run.peak_mib, note=note, profile=f"bundle {nodes} nodes"))
            self.profiles[f"bundle {nodes} nodes"] = _in_process_cli("analyze", folder)


    # -- 6. peak memory: at most 4 x the uncompressed input + 300 MiB ----------------------------
    def memory(self) -> None:
        rows, zombies = (200_000, 50_000) if self.quick else (5_000_000, 1_000_000)
        cases = [
            (f"{_size(rows)} rows", f"ps_ef_{rows}.txt", lambda: generate.ps_ef(rows)),
            (f"{_size(zombies)} zombies", f"ps_ef_{zombies}z.txt",
             lambda: generate.ps_ef(zombies + zombies // 5, zombies=zombies)),
        ]
        for label, name, make in cases:
            path = self.file(name, make)
            for command in ("inspect", "analyze"):
                run, limit, note = self._memory_run(command, path)
                self._add_memory(f"memory: {command} --json", label, run, limit, note)

    def _memory_run(self, command: str, path: Path, detail: str = "") -> tuple[ProcessRun, float, str]:
        """`ucnb COMMAND --json PATH` measured against the bound 4 x input + 300 MiB: the run, the
        limit in MiB and a note (the input's size, `detail`, the limit, the failure if any)."""
        size_mib = path.stat().st_size / MIB
        limit = 4 * size_mib + 300
        run = run_process([*self.ucnb_cmd, command, "--json", "--max-bytes", "4GiB", str(path)], timeout=3600)
        what = f"input {size_mib:,.0f} MiB" + (f", {detail}" if detail else "")
        note = f"{what}; limit 4 x input + 300 = {limit:,.0f} MiB"
        if run.returncode != 0:
            note += f"; exit {run.returncode}: {run.stderr.decode(errors='replace').strip()[-200:]}"
        return run, limit, note

    def _add_memory(self, name: str, label: str, run: ProcessRun, limit: float, note: str) -> None:
        """One memory-bound row: the peak against the limit (no value when the run failed)."""
        ok = run.returncode == 0
        result = Result(name, label, run.seconds if ok else None, "4 x input + 300 MiB", None,
                        target=f"<= {limit:,.0f} MiB", ucnb_peak_mib=run.peak_mib, note=note)
        self.add(result, limit, value=run.peak_mib if ok else None)

    # -- 7. redaction: linear in the identifiers -------------------------------------------------
    def redact(self) -> None:
        from ucnb.redact.redactor import Redactor

        scale = 10 if self.quick else 1
        cases = [
            ("distinct FQDNs", 2_000 // scale, lambda i: f"/usr/bin/ssh admin@node{i}.site{i % 50}.acme.de"),
            ("distinct IPv4", 20_000 // scale,
             lambda i: f"/bin/ping 10.{i // 65536}.{i // 256 % 256}.{i % 256}"),
        ]
        for label, n, make in cases:
            text = "\n".join(f"root {1000 + i} 1 0 Oct09 ? 00:00:00 {make(i)}" for i in range(n))

            def run(text: str = text) -> Any:
                return Redactor.discover([text]).text(text)

            seconds = interleaved({"ucnb": run}, self.slow_repeat)["ucnb"]
            result = Result("redact: discover + apply", f"{_size(n)} {label}", seconds, "absolute", None,
                            target="" if self.quick else "<= 10 s", note="was 74 s (FQDNs), > 600 s (IPs)")
            self.add(result, None if self.quick else 10.0, value=seconds)

    # -- 8. one line without a newline: read in time linear in its size (issue 23) ---------------
    def oneline(self) -> None:
        """A file of one line and no newline (digits: the shape a row's regex backtracks on most;
        words and numbers: every hint found): `t(size) / (10 x t(size / 10))`, start-up included,
        at most 1.2 when reading is linear (it was ~10 x more: 70-80 s at 300 MB)."""
        big = 30_000_000 if self.quick else 300_000_000
        shapes = [("digits", "1"), ("words and numbers", "ab 12 ")]
        for label, unit in shapes:
            runs = {}
            for size in (big, big // 10):
                path = self.file(f"one_line_{label.split()[0]}_{size}.txt", lambda size=size, unit=unit:
                                 unit * (size // len(unit)))
                argv = [*self.ucnb_cmd, "inspect", "--json", "--max-bytes", "1GiB", str(path)]
                runs[size] = interleaved_processes({"ucnb": (argv, None)}, self.slow_repeat,
                                                   timeout=600)["ucnb"]
            whole, tenth = runs[big], runs[big // 10]
            ok = whole.returncode == tenth.returncode == 2  # `ucnb: error: no UC CLI capture found`
            note = "" if ok else f"exit {whole.returncode}/{tenth.returncode}: {whole.stderr[-200:]!r}"
            result = Result(f"one line, {label}: inspect --json", _size(big // 1_000_000) + " MB",
                            whole.seconds if ok else None, "10 x the tenth",
                            10 * tenth.seconds if ok else None,
                            target="<= 1.2", ucnb_peak_mib=whole.peak_mib, competitor_peak_mib=tenth.peak_mib,
                            note=note or f"{big // 10 // 1_000_000} MB: {tenth.seconds:.2f} s")
            self.add(result, 1.2)

    # -- 9. RIS PerfMon logs: a week of 15-second polls in one file, streamed (issue 25) ------------
    def perfmon(self) -> None:
        """One PerfMon CSV of a week of 15-second polls (40,321 rows, ~200 MB; `--quick`: a day,
        ~20 MB) with a leak from the second day: `inspect` and `analyze` peak RSS within 4 x the input
        + 300 MiB, and the polls and the zombies read as generated."""
        from ucnb.synth.perfmon import Leak, perfmon_lines

        hours = 24 if self.quick else 7 * 24
        start = datetime(2026, 11, 23)
        leak = Leak("sh", start + timedelta(hours=min(20, hours / 2)), per_hour=1)
        name = f"PerfMon_bench-node_{hours}h.csv"
        path = self.data / name
        if not path.exists():
            ((_, lines),) = perfmon_lines("bench-node", start=start, hours=hours, poll_seconds=15, leak=leak,
                                          rows_per_file=10**9, extra_processes=100)
            with open(path, "w", encoding="utf-8", newline="") as out:
                for line in lines:
                    out.write(line + "\r\n")
        polls = hours * 240 + 1
        for command in ("inspect", "analyze"):
            run, limit, note = self._memory_run(command, path, f"{polls:,} polls")
            if run.returncode == 0:
                document = json.loads(run.stdout)
                if command == "inspect":
                    read = _inspect_rows(run.stdout, "RIS PerfMon log")
                    note += "" if read == polls else f"; read {read:,} polls, not {polls:,}"
                else:
                    found = document["nodes"][0].get("perfmon") or {}
                    expected = int((hours - (leak.start - start).total_seconds() / 3600) * leak.per_hour)
                    if found.get("zombies_last") != expected:
                        note += f"; {found.get('zombies_last')} zombies at the last poll, not {expected}"
            size = f"{path.stat().st_size / MIB:,.0f} MB"
            self._add_memory(f"perfmon: {command} --json", size, run, limit, note)


    # -- 9. issue 26's hostile shapes: bounded memory, linear time (bench/shapes.py) ----------------
    def shapes(self) -> None:
        for shape in shapes.SHAPES:
            n = shape.size // (10 if self.quick else 1)
            made = [self._shape_input(shape, size) for size in (n // 2, n)]
            for command in shape.commands:
                runs = [self._shape_run(command, path) for path, _ in made]
                input_mib = made[1][1] / MIB
                limit = 4 * input_mib + 300
                failed = [r for r in runs if r.returncode != 0]
                note = (f"n/2 {runs[0].seconds:.1f} s, n {runs[1].seconds:.1f} s; "
                        f"input {input_mib:,.1f} MiB, limit {limit:,.0f} MiB")
                if failed:
                    said = failed[0].stderr.decode(errors="replace")[-200:]
                    note += f"; exit {failed[0].returncode}: {said}"
                growth = runs[1].seconds / runs[0].seconds if runs[0].seconds else None
                result = Result(f"shape: {' '.join(command[:2]).replace('{in}', 'PATH')}",
                                f"{shape.name} {_size(n)}", runs[1].seconds, "same at n/2", runs[0].seconds,
                                target=f"<= {shapes.GROWTH} and <= {limit:,.0f} MiB",
                                ucnb_peak_mib=runs[1].peak_mib, note=note)
                within = runs[1].peak_mib <= limit and not failed
                self.add(result, shapes.GROWTH, value=growth if within else float("inf"))

    def _shape_input(self, shape: shapes.Shape, n: int) -> tuple[Path, int]:
        path = self.data / f"shape_{shape.name.replace(' ', '_')}_{n}"
        if shape.folder is not None:
            if not path.exists():
                shape.folder(path, n)
            return path, sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        assert shape.make is not None
        path = path.with_suffix(".txt")
        if not path.exists():
            path.write_text(shape.make(n), encoding="utf-8")
        return path, path.stat().st_size

    def _shape_run(self, command: tuple[str, ...], path: Path) -> ProcessRun:
        with tempfile.TemporaryDirectory() as folder:
            out = str(Path(folder) / "out")
            argv = [a.replace("{in}", str(path)).replace("{out}", out) for a in command]
            return run_process([*self.ucnb_cmd, *argv, "--max-bytes", "4GiB"], timeout=600)


def _inspect_rows(stdout: bytes, command: str) -> int:
    document = json.loads(stdout)
    return sum(s["rows"] for node in document["nodes"] for s in node["sections"] if s["command"] == command)


def _in_process_cli(subcommand: str, path: Path) -> Callable[[], Any]:
    def run() -> Any:
        from ucnb.cli import main

        with contextlib.redirect_stdout(io.StringIO()):
            return main([subcommand, "--json", str(path)])

    return run


def profile(label: str, fn: Callable[[], Any], top: int = 10) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        fn()
    except Exception as error:  # pragma: no cover - reported with the profile
        print(f"  ({label} failed while profiled: {error})", file=sys.stderr)
    profiler.disable()
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("cumulative").print_stats(top)
    buffer.write("\n  by own time:\n")
    stats.sort_stats("tottime").print_stats(top)
    return f"== cProfile: ucnb, {label} ==\n" + buffer.getvalue()


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name in ("pandas", "numpy", "jc", "insights-core"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    parser.add_argument("--only", default=",".join(GROUPS), help=f"comma-separated: {', '.join(GROUPS)}")
    parser.add_argument("--repeat", type=int, default=None, help="best of N for ucnb (default 5, quick 3)")
    parser.add_argument("--profile", action="store_true", help="cProfile top 10 of ucnb for missed targets")
    parser.add_argument("--out", type=Path, default=None, help="JSON results (default bench/out/latest.json)")
    parser.add_argument("--data", type=Path, default=None, help="where generated inputs go (kept)")
    args = parser.parse_args(argv)
    groups = [g.strip() for g in args.only.split(",") if g.strip()]
    unknown = sorted(set(groups) - set(GROUPS))
    if unknown:
        parser.error(f"unknown group{'' if len(unknown) == 1 else 's'}: {', '.join(unknown)}")

    OUT.mkdir(exist_ok=True)
    data = args.data or OUT / ("data-quick" if args.quick else "data")
    data.mkdir(parents=True, exist_ok=True)
    bench = Bench(args.quick, args.repeat, data)
    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    for group in GROUPS:
        if group in groups:
            print(f"[{group}]", file=sys.stderr, flush=True)
            getattr(bench, group)()
    elapsed = time.perf_counter() - started
    load = (round(load_before, 2), round(os.getloadavg()[0], 2))

    print(table(bench.results))
    print(f"\n{len(bench.results)} rows in {elapsed:.0f} s; ratio = ucnb time / competitor time "
          f"(lower is better); MiB = tracemalloc peak (in-process) or max RSS (process rows); "
          f"load average {load[0]} -> {load[1]} on {os.cpu_count()} CPUs")
    missed = [r for r in bench.results if r.status in ("MISS", "ERROR")]
    profiles: dict[str, str] = {}
    if args.profile:
        for r in missed:
            label = r.profile
            if label in bench.profiles and label not in profiles:
                profiles[label] = profile(label, bench.profiles[label])
                print("\n" + profiles[label])

    out = args.out or OUT / ("latest-quick.json" if args.quick else "latest.json")
    document = {
        "schema": "ucnb.bench/1",
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": args.quick,
        "groups": groups,
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count(), "load_average": load},
        "versions": versions(),
        "seconds": round(elapsed, 1),
        "results": [r.to_json() for r in bench.results],
        "profiles": profiles,
    }
    out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"written: {out.relative_to(REPO) if out.is_relative_to(REPO) else out}")
    errors = [r for r in bench.results if r.status == "ERROR"]
    return 1 if errors and not any(r.status in ("PASS", "MISS", "INFO") for r in bench.results) else 0


if __name__ == "__main__":
    sys.exit(main())
