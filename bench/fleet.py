"""Fleet-scan benchmark (issue 14): `ucnb scan` of 2,000 node captures (500 bundles of 4 nodes, 400
processes each) in-process, on the local process pool with 1 and 2 workers, through a local
`distributed` cluster of 2 worker processes, and an unchanged rescan (every bundle found in the
cache by its file stamp: no hashing, no analysis). Not a test: it prints one table and writes
bench/out/fleet.json.

    .venv/bin/python bench/fleet.py              # the full run (~2-3 minutes on 2 cores)
    .venv/bin/python bench/fleet.py --quick      # 60 bundles

Each case runs in a fresh child process (`--child CASE`), so interpreter start-up and Dask's pool or
cluster start are counted the way a user meets them (`seconds` is the whole `scan_fleet` call; the
cluster's own start, done before it, is reported apart). The parent samples the resident set size of
the child and of every process it starts (psutil, every 50 ms): `worker MiB` is the largest peak of a
process that analysed bundles (the child itself in-process, the pool or cluster workers otherwise),
`client MiB` the child's. `worker CPU s` is the CPU time (user + system) of those processes (their
start and imports included), `CPU ms per node` and `nodes per CPU s` the throughput one uncontended
core would give: on a shared machine the wall-clock columns measure the other users too, so the CPU
columns are the per-worker figures to judge, and each case prints the load average around it. Under
the table: the CPU ms per node of each step (`ucnb.load`, `analyze`, the row) measured in-process on
the first 100 bundles (best of 3 passes), the local pool's start-up CPU (its fork server's imports
and warm-up, once a scan; each worker forks from it), and the scaling
efficiency by the wall clock with the CPU ratio beside it. Every case's rows are compared with the
in-process rows.

Inputs: bench/generate.py's node captures (the ones of the 100-node bundle benchmark: `show status`,
`show process load num all`, `show process list detail` of exactly N processes with zombies under
`amc`, `utils service list`; every fourth node one PuTTY log), zipped 4 nodes a bundle, kept in
bench/out/ between runs. Targets (printed under the table, met or missed): >= 150 nodes/s per
worker and <= 6.7 ms of CPU per node on 2 workers, scaling efficiency t(1) / (2 t(2)) >= 0.9, <= 300
MiB per worker.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path[:0] = [str(REPO), str(BENCH)]

OUT = BENCH / "out"
CASES = ("serial", "workers-1", "workers-2", "distributed-2", "rescan-2")
MIB = 2**20


def write_fleet(root: Path, bundles: int, nodes: int, processes: int) -> Path:
    """The benchmark fleet under `root` (made once, then reused)."""
    import generate  # bench/generate.py

    from ucnb.synth.fleet import zip_bytes

    done = root / ".complete"
    if done.exists():
        return root
    root.mkdir(parents=True, exist_ok=True)
    for b in range(bundles):
        members = {}
        for n in range(nodes):
            host = f"b{b:04d}-cucm-{'pub' if n == 0 else f'sub{n}'}"
            files = generate.node_files(host, processes, zombies=(b + n) % 5, seed=b * nodes + n + 1,
                                        as_terminal_log=n == 3)
            members.update({f"{host}/{name}": text.encode() for name, text in files.items()})
        (root / f"case-{b:04d}.zip").write_bytes(zip_bytes(members))
    done.write_text("")
    return root


def phases(fleet: Path, bundles: int, repeat: int = 3) -> dict[str, float]:
    """CPU ms per node of each step of the one road, in this process, over the first `bundles`
    bundles, the least of `repeat` passes (the least disturbed by other work on the machine):
    `ucnb.load` (reading the archive, cleaning, parsing), `analyze` (the diagnosis and its JSON) and
    the scan row."""
    from ucnb.diagnosis.diagnose import analyze
    from ucnb.fleet.rows import node_row
    from ucnb.fleet.scan import discover
    from ucnb.read.bundle import load

    paths = discover([fleet])[:bundles]
    best: dict[str, float] = {}
    nodes = 0
    for _ in range(repeat):
        spent = {"load": 0.0, "analyze": 0.0, "row": 0.0}
        nodes = 0
        for path in paths:
            began = time.process_time()
            bundle = load(path)
            loaded = time.process_time()
            document = analyze(bundle)
            analysed = time.process_time()
            pairs = zip(document["nodes"], bundle.nodes, strict=True)
            nodes += len([node_row(doc, node) for doc, node in pairs])
            ended = time.process_time()
            spent["load"] += loaded - began
            spent["analyze"] += analysed - loaded
            spent["row"] += ended - analysed
        best = {name: min(seconds, best.get(name, seconds)) for name, seconds in spent.items()}
    return {name: 1000 * seconds / nodes for name, seconds in best.items()} | {"nodes": nodes}


def child(case: str, fleet: Path, out: Path) -> None:
    """One case, timed, in this (fresh) process; prints a JSON line."""
    from ucnb.fleet.scan import scan_fleet, write_frame

    startup, first = 0.0, None
    kwargs: dict = {"workers": 0} if case == "serial" else {"workers": int(case.rsplit("-", 1)[1])}
    kwargs["cache"] = None  # a fresh scan: nothing reused
    cluster = None
    if case.startswith("rescan"):  # the first scan fills a cache, untimed; the rescan is timed
        kwargs["cache"] = str(out.with_suffix(".sqlite"))
        began, cpu = time.perf_counter(), time.process_time()
        scan_fleet([fleet], **kwargs)
        first = {"seconds": time.perf_counter() - began, "client_cpu": time.process_time() - cpu}
    if case.startswith("distributed"):
        from distributed import LocalCluster

        began = time.perf_counter()
        cluster = LocalCluster(n_workers=kwargs.pop("workers"), threads_per_worker=1, processes=True,
                               host="127.0.0.1", scheduler_port=0, dashboard_address=None)
        kwargs["scheduler"] = cluster.scheduler_address
        startup = time.perf_counter() - began
    began, cpu = time.perf_counter(), time.process_time()
    result = scan_fleet([fleet], **kwargs)
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu
    write_frame(result.frame, out)
    if cluster is not None:
        cluster.close()
    frame = result.frame
    print(json.dumps({"seconds": seconds, "cpu": cpu, "client_cpu": cpu, "first": first,
                      "startup": startup, "engine": result.engine,
                      "reused": result.reused, "bundles": result.bundles,
                      "nodes": int(frame["error"].isna().sum()),
                      "errors": int(frame["error"].notna().sum()),
                      "phases": phases(fleet, 100) if case == "serial" else None}))


def start_cpu() -> float:
    """CPU seconds a fresh interpreter spends importing and warming up what a worker runs: the local
    pool's fork server does it once a scan (`ucnb.fleet.warm_server`); a worker forks from it."""
    code = "import ucnb.fleet.warm_server"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _sample(pid: int, peaks: dict[int, tuple[str, int]], cpu: dict[int, float],
            stop: threading.Event) -> None:
    import psutil

    root = psutil.Process(pid)
    while not stop.is_set():
        try:
            procs = [root, *root.children(recursive=True)]
        except psutil.NoSuchProcess:
            return
        for proc in procs:
            try:
                rss = proc.memory_info().rss
                name = " ".join(proc.cmdline()[-3:])
                times = proc.cpu_times()
                cpu[proc.pid] = times.user + times.system
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
            if rss > peaks.get(proc.pid, ("", 0))[1]:
                peaks[proc.pid] = (name, rss)
        stop.wait(0.05)


def run_case(case: str, fleet: Path, out: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")])}
    argv = [sys.executable, __file__, "--child", case, "--fleet", str(fleet), "--rows", str(out)]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peaks: dict[int, tuple[str, int]] = {}
    cpu: dict[int, float] = {}
    stop = threading.Event()
    sampler = threading.Thread(target=_sample, args=(proc.pid, peaks, cpu, stop), daemon=True)
    sampler.start()
    stdout, stderr = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{case} failed:\n{stderr}")
    result = json.loads(stdout.strip().splitlines()[-1])
    client = peaks.pop(proc.pid, ("", 0))[1]
    cpu.pop(proc.pid, None)
    others = sorted((rss for _, rss in peaks.values()), reverse=True)
    workers = 1 if case == "serial" else int(case.rsplit("-", 1)[1])
    if case != "serial" and not case.startswith("rescan"):  # the CPU of the processes that analysed
        result["cpu"] = sum(cpu.values())  # bundles (their start included); a rescan: the client's
    result.update(case=case, workers=workers, client_mib=client / MIB,
                  worker_mib=(client if case == "serial" else (others[0] if others else 0)) / MIB)
    return result


def report(results: list[dict], startup_cpu: float) -> tuple[str, dict]:
    """The table and the figures under it (and the figures for the JSON)."""
    by_case = {r["case"]: r for r in results}
    efficiency = by_case["workers-1"]["seconds"] / (2 * by_case["workers-2"]["seconds"])
    cpu_ratio = by_case["workers-1"]["cpu"] / by_case["workers-2"]["cpu"]
    lines = ["| case | engine | s | nodes/s | nodes/s per worker | worker CPU s | CPU ms per node | "
             "nodes per CPU s | worker MiB | client MiB | load average | same rows |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        rate = r["nodes"] / r["seconds"]
        r["nodes_per_s"], r["nodes_per_s_per_worker"] = rate, rate / r["workers"]
        r["cpu_ms_per_node"], r["nodes_per_cpu_s"] = 1000 * r["cpu"] / r["nodes"], r["nodes"] / r["cpu"]
        extra = f" (+{r['startup']:.1f} s cluster start)" if r["startup"] else ""
        lines.append(f"| {r['case']} | {r['engine']} | {r['seconds']:.1f}{extra} | {rate:.0f} | "
                     f"{rate / r['workers']:.0f} | {r['cpu']:.1f} | {r['cpu_ms_per_node']:.2f} | "
                     f"{r['nodes_per_cpu_s']:.0f} | {r['worker_mib']:.0f} | {r['client_mib']:.0f} | "
                     f"{r['load'][0]} -> {r['load'][1]} | {'yes' if r['same_rows'] else 'NO'} |")
    rescan = by_case["rescan-2"]
    split = by_case["serial"]["phases"]
    total = split["load"] + split["analyze"] + split["row"]
    lines += [
        "",
        f"per node, in-process, first {split['nodes']} nodes, best of 3 passes: ucnb.load "
        f"{split['load']:.2f} ms of CPU, analyze {split['analyze']:.2f} ms, row {split['row']:.2f} ms = "
        f"{total:.2f} ms ({1000 / total:.0f} nodes per CPU second)",
        f"the local pool's start (its fork server's imports and warm-up, once) costs "
        f"{startup_cpu:.2f} s of CPU",
        f"scaling efficiency t(1) / (2 t(2)) = {efficiency:.2f} by the wall clock; "
        f"CPU of 1 worker / CPU of 2 workers = {cpu_ratio:.2f}",
        f"unchanged rescan: {rescan['seconds']:.2f} s for {rescan['bundles']} bundles "
        f"({rescan['reused']} reused) = {1000 * rescan['seconds'] / rescan['bundles']:.2f} ms per bundle, "
        f"{1000 * rescan['cpu'] / rescan['bundles']:.2f} ms of client CPU per bundle",
    ]
    per_worker = by_case["workers-2"]["nodes_per_s_per_worker"]
    ms_per_node = by_case["workers-2"]["cpu_ms_per_node"]
    first = rescan["first"]
    lines += [
        f"first scan into an empty cache (2 workers): {first['seconds']:.1f} s, "
        f"{1000 * first['client_cpu'] / rescan['bundles']:.2f} ms of client CPU per bundle (stamps, cache "
        f"writes, rows; no bundle read: the workers hash); workers-2's client: "
        f"{1000 * by_case['workers-2']['client_cpu'] / by_case['workers-2']['bundles']:.2f} ms per bundle",
        f"targets: >= 150 nodes/s per worker on 2 workers: {per_worker:.0f} "
        f"({'met' if per_worker >= 150 else 'missed'}); <= 6.7 ms of CPU per node on 2 workers: "
        f"{ms_per_node:.2f} ({'met' if ms_per_node <= 6.7 else 'missed'}); scaling efficiency >= 0.9: "
        f"{efficiency:.2f} ({'met' if efficiency >= 0.9 else 'missed'}); <= 300 MiB per worker: "
        f"{max(r['worker_mib'] for r in results):.0f} "
        f"({'met' if max(r['worker_mib'] for r in results) <= 300 else 'missed'})",
    ]
    figures = {"scaling_efficiency": efficiency, "cpu_ratio_1_to_2": cpu_ratio,
               "rescan_ms_per_bundle": 1000 * rescan["seconds"] / rescan["bundles"],
               "worker_start_cpu_s": startup_cpu, "phases_ms_per_node": split}
    return "\n".join(lines), figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="60 bundles")
    parser.add_argument("--bundles", type=int, default=None)
    parser.add_argument("--nodes", type=int, default=4, help="nodes per bundle")
    parser.add_argument("--processes", type=int, default=400, help="processes per node")
    parser.add_argument("--child", choices=CASES, help=argparse.SUPPRESS)
    parser.add_argument("--fleet", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.fleet, args.rows)
        return 0

    import pandas as pd

    from ucnb.fleet.scan import read_frame

    bundles = args.bundles or (60 if args.quick else 500)
    OUT.mkdir(exist_ok=True)
    print(f"[fleet] generating {bundles} x {args.nodes} nodes ...", file=sys.stderr, flush=True)
    name = f"fleet-{bundles}x{args.nodes}x{args.processes}"
    fleet = write_fleet(OUT / name, bundles, args.nodes, args.processes)
    load_before = os.getloadavg()[0]
    startup_cpu = min(start_cpu() for _ in range(3))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        reference = None
        for case in CASES:
            print(f"[fleet] {case}", file=sys.stderr, flush=True)
            rows = Path(tmp) / f"{case}.parquet"
            load = os.getloadavg()[0]
            result = run_case(case, fleet, rows)
            result["load"] = (round(load, 2), round(os.getloadavg()[0], 2))
            frame = read_frame(rows)
            if reference is None:
                reference = frame
            result["same_rows"] = bool(frame.equals(reference))
            results.append(result)
    load = (round(load_before, 2), round(os.getloadavg()[0], 2))
    text, figures = report(results, startup_cpu)
    print(text)
    print(f"{bundles} bundles, {results[0]['nodes']} nodes x {args.processes} processes on {os.cpu_count()} "
          f"CPUs; load average {load[0]} -> {load[1]}")
    document = {"schema": "ucnb.bench.fleet/2", "generated": datetime.now(UTC).isoformat(timespec="seconds"),
                "python": platform.python_version(), "pandas": pd.__version__, "bundles": bundles,
                "nodes": results[0]["nodes"], "processes": args.processes, "load": load, **figures,
                "cases": results}
    target = OUT / ("fleet-quick.json" if args.quick else "fleet.json")
    target.write_text(json.dumps(document, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
