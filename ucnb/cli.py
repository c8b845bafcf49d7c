"""The `ucnb` command line (contract: docs/cli-contract.md).

    ucnb inspect PATH... [--json]
    ucnb analyze PATH... [--json]
    ucnb verify BEFORE AFTER [--json] [--pair B=A]... [--exit-code] [--force-order]
    ucnb report PATH... [--after PATH [--force-order]] -o FILE [--audience customer|tac]
                [--decision ACTION --by NAME] [--case ID] [--redact] [--timestamp] [--paper A4|Letter]
    ucnb redact PATH... -o OUT
    ucnb collect HOST... [--hosts FILE] -o DIR | --print-commands
    ucnb practice [--seed N] [--product CUCM|IMnP|CUC] [--variant V] -o DIR [--key FILE]
    ucnb scan PATH... -o FLEET.parquet [--workers N | --scheduler tcp://HOST:PORT] [--since DATE] [--rescan]
              [--cache FILE] [--timeout SECONDS] [--max-memory SIZE] [--json]

Exit status: 0 work done, 2 unusable input or bad usage (one `ucnb: error:` line), 130 interrupted
(Ctrl-C: one `ucnb: interrupted` line), 1 internal bug.
Only the standard library is imported at start; each subcommand imports what it needs.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType


def _interrupted(signum: int, frame: object) -> None:
    """SIGINT at any moment (an import, a parser, writing the output): one line, exit 130."""
    try:
        os.write(2, b"ucnb: interrupted\n")
    finally:
        os._exit(130)


def _catch_interrupts() -> Callable[[int, FrameType | None], Any] | int | None:
    """Install `_interrupted` for SIGINT; the previous handler (None outside the main thread)."""
    try:
        return signal.signal(signal.SIGINT, _interrupted)
    except ValueError:  # not the main thread: leave Python's KeyboardInterrupt
        return None


def _run_as_the_command() -> bool:
    """Is this process `ucnb ...` or `python -m ucnb.cli` (not a notebook or a test importing us)?"""
    program = sys.modules.get("__main__")
    spec = getattr(program, "__spec__", None)
    return getattr(spec, "name", None) == "ucnb.cli" or os.path.basename(
        getattr(program, "__file__", None) or "") == "ucnb"


if _run_as_the_command():  # before the imports below: Ctrl-C during them is caught too
    _catch_interrupts()
    # Arrow's default pool (mimalloc) keeps what a large listing's batches freed; the system's
    # allocator gives it back, so peak memory stays a few times the input (bench/: memory)
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")

import argparse  # noqa: E402
import re  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from typing import Any, NoReturn  # noqa: E402

from ucnb.errors import InputError  # noqa: E402
from ucnb.text import plural, printable  # noqa: E402

MESSAGE_LIMIT = 1000  # characters of an error line (a message quoting a 20 MB name is cut)
PID_LIMIT = 4_194_304  # the kernel's largest pid_max (PID_MAX_LIMIT); its smallest is 301


class OutputError(InputError):
    """The output cannot be written (a full disk, a closed stdout): one line naming it, exit 2."""


class _Stdout:
    """Standard output in UTF-8 whatever the locale, whose write errors name it (`OutputError`); a
    reader that left (`BrokenPipeError`) stays a `BrokenPipeError`, ended quietly by `main`."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream

    def _failed(self, error: OSError) -> NoReturn:
        if isinstance(error, BrokenPipeError):
            raise error
        raise OutputError(f"cannot write to standard output: {error.strerror or error}") from None

    def write(self, text: str) -> int:
        try:
            return int(self.stream.write(text))
        except OSError as error:
            self._failed(error)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as error:
            self._failed(error)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def _utf8(stream: Any) -> None:
    """`stream` (stdout, stderr) writes UTF-8 whatever the locale (`LC_ALL=C`, `PYTHONIOENCODING`)."""
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None and (getattr(stream, "encoding", "") or "").lower().replace("-", "") != "utf8":
        try:
            reconfigure(encoding="utf-8", errors="backslashreplace")
        except (OSError, ValueError):  # a stream already written to in another encoding: left as it is
            pass


# What a command needs beyond the runtime dependencies: {command: (extra, modules it imports)}; the
# extras are declared in pyproject.toml (tests/test_dependencies.py checks that the two agree).
EXTRAS = {"collect": ("collect", ("asyncssh",)), "scan": ("fleet", ("distributed", "tqdm", "pebble"))}
FORMATS_HELP = "{report formats}"  # filled from ucnb.report.formats when help is shown
OUTPUT_HELP = "{report output}"
DECISIONS_HELP = "{decisions}"  # filled from ucnb.model.actions when help is shown
FORCE_ORDER_HELP = (
    "compare even when the after capture is not later than the before capture (a node clock known to "
    "be wrong); without it that node's verdict is unknown"
)


class _Help(argparse.HelpFormatter):
    """Help whose report formats come from the formats registry and whose actions from the vocabulary,
    read only when help is shown (importing them costs CLI start-up 0.1 s and 0.01 s)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if text and (FORMATS_HELP in text or OUTPUT_HELP in text):
            from ucnb.report.formats import output_help, suffixes

            text = text.replace(FORMATS_HELP, suffixes()).replace(OUTPUT_HELP, output_help())
        if text and DECISIONS_HELP in text:
            from ucnb.model.actions import decision_names

            text = text.replace(DECISIONS_HELP, ", ".join(decision_names()))
        return text


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Help)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        raise InputError(f"{message} (see `{self.prog} --help`)")  # `ucnb analyze --help`...


def needs_extra(command: str) -> None:
    """InputError naming the extra to install when a module that `command` imports is missing."""
    import importlib.util

    extra, modules = EXTRAS[command]
    if any(importlib.util.find_spec(module) is None for module in modules):
        raise InputError(f"{command} needs the '{extra}' extra: pip install 'ucnb[{extra}]'")


class _Version(argparse.Action):
    """argparse's `version` action, reading the version only when asked (it costs start-up time)."""

    def __init__(self, option_strings: Sequence[str], dest: str = argparse.SUPPRESS) -> None:
        super().__init__(option_strings, dest=dest, default=argparse.SUPPRESS, nargs=0,
                         help="show program's version number and exit")

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        from ucnb.version import kit_version  # --version only: not in `import ucnb.cli`

        sys.stdout.write(f"ucnb {kit_version()}\n")
        parser.exit()


def _size(text: str) -> int:
    match = re.fullmatch(r"(\d{1,12})\s*([KMG]i?B?)?", text.strip(), re.I)
    if not match or not int(match.group(1)):
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 512MiB)")
    unit = (match.group(2) or "").upper()[:1]
    return int(match.group(1)) * {"": 1, "K": 2**10, "M": 2**20, "G": 2**30}[unit]


def _load_options(args: argparse.Namespace) -> dict[str, int]:
    return {"max_total_bytes": args.max_bytes, "max_members": args.max_members}


def _emit(document: dict[str, Any] | None, human: str | None, as_json: bool) -> None:
    if as_json:
        from ucnb.faces.jsonout import write_json  # the findings model (~35 ms): not at start-up

        write_json(document, sys.stdout.write)  # = json.dumps(indent=2), a million zombies never held
        sys.stdout.write("\n")
    else:
        sys.stdout.write(printable(human or "") + "\n")


def cmd_inspect(args: argparse.Namespace) -> None:
    from ucnb.read.bundle import inspect_json, load  # the parsers, the catalogue (~130 ms): inspect only

    document = inspect_json(load(*args.paths, **_load_options(args)))
    _emit(document, None if args.json else format_inspect(document), args.json)


def cmd_analyze(args: argparse.Namespace) -> None:
    # networkx, numpy, pandas (~600 ms): the diagnosis's, not the start-up's
    from ucnb.diagnosis.outcome import assess
    from ucnb.faces.tree import format_analysis
    from ucnb.read.bundle import load

    case = assess(load(*args.paths, **_load_options(args)), pid_max=args.pid_max)
    document = case.analysis.to_json(lazy=True) | {"outcome": case.outcome.to_json()}
    _emit(document, None if args.json else format_analysis(case.analysis, case.outcome), args.json)


def cmd_verify(args: argparse.Namespace) -> int:
    # networkx, numpy, pandas (~600 ms): the diagnosis's, not the start-up's
    from ucnb.diagnosis.outcome import assess
    from ucnb.faces.tree import format_verify
    from ucnb.read.bundle import load

    pairs = [_pair(text) for text in args.pair]
    case = assess(load(args.before, **_load_options(args)), load(args.after, **_load_options(args)),
                  pairs=pairs, force_order=args.force_order)
    assert case.verification is not None  # an after bundle was given
    document = case.verification.to_json() | {"outcome": case.outcome.to_json()}
    _emit(document, None if args.json else format_verify(case.verification, case.outcome), args.json)
    return 1 if args.exit_code and not case.outcome.passes else 0


def _pair(text: str) -> tuple[str, str]:
    before, sep, after = text.partition("=")
    if not sep or not before or not after:
        raise InputError(f"--pair {text!r}: expected BEFORE_NODE=AFTER_NODE")
    return before, after


def cmd_report(args: argparse.Namespace) -> None:
    # the report, the diagnosis, pandas (~900 ms): not at start-up
    from ucnb.read.bundle import load
    from ucnb.report import decisions_for, write_report
    from ucnb.report.write import check_output

    check_output(args.output)  # an unusable target or an unknown suffix fails before any work
    _outside_inputs(args.output, [*args.paths, *([args.after] if args.after else [])])
    if (args.by or args.note) and not args.decision:
        raise InputError("--by and --note describe a --decision: give --decision ACTION too")
    if args.force_order and not args.after:
        raise InputError("--force-order compares with an --after capture: give --after PATH too")
    bundle = load(*args.paths, **_load_options(args))
    after = load(args.after, **_load_options(args)) if args.after else None
    decisions = None
    if args.decision:
        decisions = decisions_for(bundle, args.decision, by=args.by or "", note=args.note or "")
    stamp = None
    if args.timestamp:
        from datetime import UTC, datetime

        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    written = write_report(bundle, args.output, after=after, decisions=decisions, audience=args.audience,
                           case=args.case, redact=args.redact, timestamp=stamp, force_order=args.force_order,
                           paper=args.paper)
    images = f" (+{plural(len(written) - 1, 'image')})" if len(written) > 1 else ""
    sys.stdout.write(printable(f"report written: {written[0]}{images}") + "\n")


def _outside_inputs(output: str, inputs: Sequence[str]) -> None:
    """InputError when `output` (or its pictures' folder) would land inside an input folder, or
    replace an input file: the next `analyze` of that folder would read the report."""
    target = os.path.realpath(output)
    for given in inputs:
        path = os.path.realpath(given)
        if target == path or (os.path.isdir(path) and target.startswith(path.rstrip(os.sep) + os.sep)):
            raise InputError(f"{output}: inside the input {given} (the next analysis would read the report); "
                             "write it outside the bundle")


def cmd_redact(args: argparse.Namespace) -> None:
    from ucnb.redact.copy import redact_bundle_copy  # the parsers, the redaction (~180 ms): not at start-up

    copy = redact_bundle_copy(args.paths, args.output, separate=len(args.paths) > 1, **_load_options(args))
    replaced = copy.redactor.summary()
    kept = "".join(f"  {line}\n" for line in copy.redactor.kept_summary())
    sys.stdout.write(printable(f"redacted copy written: {copy.out} ({plural(len(copy.files), 'file')}; "
                               f"replaced: {replaced})") + "\n")
    sys.stdout.write("kept verbatim (check before sending), by kind:\n" + printable(kept))


def cmd_collect(args: argparse.Namespace) -> int:
    from ucnb.collect import plan  # dataclasses, json (~15 ms): collect only

    if args.print_commands:
        sys.stdout.write(plan.manual_commands(args.samples, args.interval) + "\n")
        return 0
    needs_extra("collect")
    hosts = list(args.hosts) + (plan.read_hosts_file(args.hosts_file) if args.hosts_file else [])
    if not hosts or not args.output:
        raise InputError("collect needs HOST... (or --hosts FILE) and -o DIR, or --print-commands")
    options = plan.CollectOptions(
        user=args.user, samples=args.samples, interval=args.interval, known_hosts=args.known_hosts,
        accept_new=args.accept_new, jobs=args.jobs, connect_timeout=args.connect_timeout,
        prompt_timeout=args.prompt_timeout, command_timeout=args.command_timeout)
    targets = plan.parse_targets(hosts, args.port)
    from ucnb.collect.run import collect, read_password  # asyncssh (~250 ms): only when collecting

    password = read_password(args.password_env, args.user)

    def progress(line: str) -> None:
        sys.stderr.write(printable(line) + "\n")

    quiet = not sys.stderr.isatty()
    try:  # Ctrl-C as KeyboardInterrupt: asyncio cancels the sessions, what came is kept, collect.json
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)  # says `interrupted`; 130
    except ValueError:  # not the main thread
        previous = None
    try:
        result = collect(targets, args.output, options, password, None if quiet else progress)
    except KeyboardInterrupt:
        if _run_as_the_command():  # collect.json is written; the interpreter's shutdown once hung on the
            _interrupted(signal.SIGINT, None)  # cancelled sessions' objects: end now, as any Ctrl-C does
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    sys.stdout.write(printable(plan.format_summary(result)) + "\n")
    return result.exit_status


def cmd_practice(args: argparse.Namespace) -> None:
    from ucnb.training.practice import write_exercise  # the generator, the catalogue (~110 ms): practice only

    seed = args.seed if args.seed is not None else int.from_bytes(os.urandom(3), "big")
    key, key_file = write_exercise(args.output, seed, args.product, variant=args.variant, key_path=args.key)
    sys.stdout.write(printable(
        f"practice exercise {seed} written to {args.output}: bundle/ (node {key.node}, {key.variant}); "
        f"its answer key to {key_file} (keep it from the trainee); try it in "
        f"notebooks/training/practice.ipynb (exercise_path={args.output}, key_path={key_file})") + "\n")


def cmd_scan(args: argparse.Namespace) -> None:
    needs_extra("scan")
    # the fleet scan (pandas, Dask when they are used): not at start-up
    from ucnb.fleet.rows import ScanOptions
    from ucnb.fleet.scan import check_previous, format_summary, output_format, scan_fleet, summary

    output_format(args.output)  # an unknown suffix fails before any work
    warnings: list[str] = []
    check_previous(args.output, warnings)  # not a scan output: refused; a damaged one: set aside
    options = ScanOptions(pid_max=args.pid_max, max_total_bytes=args.max_bytes, max_members=args.max_members,
                          timeout=args.timeout, max_memory=args.max_memory)
    result = scan_fleet(args.paths, workers=args.workers, scheduler=args.scheduler, since=args.since,
                        options=options, skip=[args.output], cache=args.cache or "default",
                        rescan=args.rescan, output=args.output,
                        progress=not args.json and sys.stderr.isatty())
    result.warnings[:0] = warnings
    document = summary(result, args.output)
    _emit(document, None if args.json else format_summary(document), args.json)
    if result.bundles and result.failed == result.bundles:
        raise InputError(f"no bundle could be read ({plural(result.bundles, 'bundle')}; the rows, all "
                         f"errors, are in {args.output})")


def _whole(low: int) -> Callable[[str], int]:
    """An argparse type: a whole number of at least `low`."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"{value} is less than {low}")
        return value
    return parse


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 7 * 86400:
        raise argparse.ArgumentTypeError(f"{text} seconds: between 0 and a week, please")
    return value


def _scheduler(text: str) -> str:
    if not re.fullmatch(r"(tcp|tls|ws|wss)://([\w.\-]+|\[[0-9a-fA-F:.]+\]):\d{1,5}", text):
        raise argparse.ArgumentTypeError(f"not a scheduler address: {text!r} (e.g. tcp://10.0.0.5:8786)")
    return text


def _date(text: str) -> Any:
    from datetime import datetime

    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (e.g. 2026-11-01T08:00)") from None


def format_inspect(document: dict[str, Any]) -> str:
    """Human summary of an inspect document."""
    out: list[str] = []
    for node in document["nodes"]:
        out.append(f"{node['node']} ({node['product']})")
        for section in node["sections"]:
            extra = f", {plural(section['snapshots'], 'snapshot')}" if "snapshots" in section else ""
            rows = plural(section["rows"], "row")
            out.append(f"  {section['label']:<28} {rows:>11}{extra}  {section['source']}")
        if node["unparsed"]:
            out.append(f"  {plural(len(node['unparsed']), 'line')} not understood:")
            for item in node["unparsed"][:10]:
                out.append(f"    {item['source']}: {item['text'][:80]}  ({item['reason']})")
            if len(node["unparsed"]) > 10:
                out.append(f"    ... {len(node['unparsed']) - 10} more (use --json for all)")
        for warning in node["warnings"]:
            out.append(f"  warning: {warning}")
    for warning in document.get("warnings", []):
        out.append(f"warning: {warning}")
    return "\n".join(out)


def build_parser() -> argparse.ArgumentParser:
    """The `ucnb` command line: one subcommand per `cmd_*` (docs/cli-contract.md's synopsis)."""
    from ucnb.collect.args import add_arguments, whole  # with the parser: not in `import ucnb.cli` (~0.7 ms)

    pid_max = whole(301, PID_LIMIT, "--pid-max")  # the kernel's range of pid_max
    parser = _Parser(prog="ucnb", description="Zombie-process triage for Cisco UC admin-CLI captures.")
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    inspect = _with_limits(sub.add_parser("inspect", help="what was found in the captures"))
    inspect.add_argument("paths", nargs="+", metavar="PATH")
    inspect.set_defaults(run=cmd_inspect)
    analyze = _with_limits(sub.add_parser("analyze", help="the zombie diagnosis"))
    analyze.add_argument("paths", nargs="+", metavar="PATH")
    analyze.add_argument("--pid-max", type=pid_max, default=None, metavar="N",
                         help="the node's kernel pid_max, for the PID headroom (default 32768 unless "
                         "larger PIDs show in the data)")
    analyze.set_defaults(run=cmd_analyze)
    verify = _with_limits(sub.add_parser("verify", help="did the remediation clear the zombies?"))
    verify.add_argument("before", metavar="BEFORE")
    verify.add_argument("after", metavar="AFTER")
    verify.add_argument("--pair", action="append", default=[], metavar="B=A",
                        help="compare before node B with after node A (repeatable; else by host name)")
    verify.add_argument("--exit-code", action="store_true",
                        help="exit 1 unless every node is cleared (0 cleared, 1 otherwise, 2 unusable input)")
    verify.add_argument("--force-order", action="store_true", help=FORCE_ORDER_HELP)
    verify.set_defaults(run=cmd_verify)
    report = _with_limits(
        sub.add_parser("report", help=f"post-incident report ({FORMATS_HELP})"),
        json_output=False,
    )
    report.add_argument("paths", nargs="+", metavar="PATH")
    report.add_argument("--after", metavar="PATH", help="the capture taken after the remediation")
    report.add_argument("--force-order", action="store_true", help=FORCE_ORDER_HELP)
    report.add_argument("-o", "--output", required=True, metavar="FILE", help=OUTPUT_HELP)
    report.add_argument("--audience", choices=("customer", "tac"), default="customer",
                        help="customer (default: plain words, no internal detail) or tac (everything)")
    report.add_argument("--decision", metavar="ACTION",
                        help=f"the action decided ({DECISIONS_HELP})")
    report.add_argument("--by", metavar="NAME", help="who decided")
    report.add_argument("--note", metavar="TEXT", help="why (with --decision)")
    report.add_argument("--case", metavar="ID", help="the case number, in the title and the case note")
    report.add_argument("--redact", action="store_true",
                        help="replace host names, domains, addresses and user names with placeholders")
    report.add_argument("--timestamp", action="store_true",
                        help="write the generation time (UTC) in the report")
    report.add_argument("--paper", choices=("A4", "Letter"), default="A4",
                        help="the PDF's page size (default A4)")
    report.set_defaults(run=cmd_report)
    redact = _with_limits(
        sub.add_parser("redact", help="write a redacted copy of a bundle (a folder)"), json_output=False
    )
    redact.add_argument("paths", nargs="+", metavar="PATH",
                        help="a bundle; several: one case (before, after) redacted with one mapping")
    redact.add_argument("-o", "--output", required=True, metavar="OUT",
                        help="new or empty folder, not inside PATH (several PATHs: OUT/NAME each)")
    redact.set_defaults(run=cmd_redact)

    collect = sub.add_parser("collect", help="collect a complete bundle from live nodes over SSH (read-only)")
    add_arguments(collect)
    collect.set_defaults(run=cmd_collect)
    practice = sub.add_parser("practice", help="a fresh training exercise: a capture and its answer key")
    practice.add_argument("--seed", type=whole(0, 2**40, "--seed"), metavar="N",
                          help="same seed, same exercise (default: random)")
    practice.add_argument("--product", choices=("CUCM", "IMnP", "CUC"), help="default: random")
    practice.add_argument("--variant", choices=("one", "two-groups", "no-listing", "growing"),
                          help="one zombie group, two groups, no process listing, a growing count "
                          "(default: drawn from the seed)")
    practice.add_argument("-o", "--output", required=True, metavar="DIR", help="new or empty folder")
    practice.add_argument("--key", metavar="FILE", help="where the answer key goes, outside DIR "
                          "(default: DIR.answer.json beside DIR)")
    practice.set_defaults(run=cmd_practice)
    _add_scan(sub, pid_max)
    return parser


def _with_limits(p: argparse.ArgumentParser, *, json_output: bool = True) -> argparse.ArgumentParser:
    """`--json` (unless `json_output` is False) and the caps on what is read."""
    from ucnb.collect.args import whole

    if json_output:
        p.add_argument("--json", action="store_true", help="machine-readable output (stable contract)")
    p.add_argument("--max-bytes", type=_size, default=512 * 2**20, metavar="SIZE",
                   help="cap on the bundle's total uncompressed size (default 512MiB)")
    p.add_argument("--max-members", type=whole(1, 10**9, "--max-members"), default=10_000, metavar="N",
                   help="cap on the number of entries (files, folders, links) in folders and "
                        "archives (default 10000)")
    return p


def _add_scan(sub: argparse._SubParsersAction[_Parser], pid_max: Callable[[str], int]) -> None:
    """`ucnb scan`, the fleet scan, and its options."""
    scan = _with_limits(sub.add_parser("scan", help="fleet scan: one row per node per bundle (Dask)"))
    scan.add_argument("paths", nargs="+", metavar="PATH", help="folder of bundles, or a file listing them")
    scan.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.parquet, or FILE.csv")
    engine = scan.add_mutually_exclusive_group()
    engine.add_argument("--workers", type=_whole(0), metavar="N",
                        help="local processes (default: CPU count; 0: in this process)")
    engine.add_argument("--scheduler", type=_scheduler, metavar="tcp://HOST:PORT",
                        help="a running Dask scheduler")
    scan.add_argument("--since", type=_date, metavar="DATE", help="only nodes captured from DATE on")
    scan.add_argument("--pid-max", type=pid_max, default=None, metavar="N",
                      help="the nodes' kernel pid_max, for the PID headroom (default, as `ucnb analyze`: "
                      "32768 unless larger PIDs show in the data)")
    scan.add_argument("--rescan", action="store_true", help="analyse every bundle again (else only new, "
                      "changed and failed ones)")
    scan.add_argument("--cache", metavar="FILE", help="the scan's cache (default: the kit's private cache)")
    scan.add_argument("--timeout", type=_seconds, default=120.0, metavar="SECONDS",
                      help="per bundle; past it, the bundle is an error row (default 120)")
    scan.add_argument("--max-memory", type=_size, metavar="SIZE",
                      help="per bundle's analysis (default 4 x --max-bytes + 300MiB)")
    scan.set_defaults(run=cmd_scan)


def main(argv: Sequence[str] | None = None) -> int:
    # As the program, the handler was installed on import; called in-process (tests, notebooks),
    # it is installed here and the caller's comes back at the end.
    previous = None if _run_as_the_command() else _catch_interrupts()
    stdout = sys.stdout
    try:
        if sys.stdout is None:  # `ucnb ... >&-`
            raise OutputError("cannot write to standard output: it is closed")
        _utf8(sys.stdout)
        _utf8(sys.stderr)
        sys.stdout = _Stdout(sys.stdout)
        args, unknown = build_parser().parse_known_args(argv)
        if unknown:
            raise InputError(f"unrecognized arguments: {' '.join(unknown)} "
                             f"(see `ucnb {args.command} --help`)")
        status = args.run(args) or 0  # 1: collect with a host partial or failed; verify --exit-code
        sys.stdout.flush()  # here, not at the interpreter's exit: a full disk is one line
    except InputError as error:
        if isinstance(error, OutputError):
            _silence_stdout(stdout)
        if sys.stderr is not None:
            sys.stderr.write(_one_line(f"ucnb: error: {error}") + "\n")
        return 2
    except BrokenPipeError:  # `ucnb ... | head`: the reader left; nothing more to say
        _silence_stdout(stdout)
        return 0
    except KeyboardInterrupt:  # outside the main thread, or before the handler was installed
        sys.stderr.write("ucnb: interrupted\n")
        return 130
    except Exception as error:  # an internal bug: say so in one line, details on request
        if os.environ.get("UCNB_DEBUG"):
            raise
        message = f"ucnb: internal error: {type(error).__name__}: {error} (set UCNB_DEBUG=1 for details)"
        sys.stderr.write(_one_line(message) + "\n")
        return 1
    finally:
        sys.stdout = stdout
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
        elif _run_as_the_command():
            # the work is done and said: a Ctrl-C during the interpreter's shutdown (where Python
            # puts back the default action of a Python handler, not of SIG_IGN) must not turn it
            # into a death by signal
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    return status


def _one_line(message: str) -> str:
    """`message` on one printable line of at most about `MESSAGE_LIMIT` characters (start and end kept).

    >>> line = _one_line("ucnb: error: " + "x" * 5000 + ": no such file")
    >>> len(line), line[660:700], line.endswith("x: no such file")
    (860, 'xxxxxx [... 4,195 characters ...] xxxxxx', True)
    """
    text = printable(" ".join(message.split()))
    if len(text) <= MESSAGE_LIMIT:
        return text
    head, tail = MESSAGE_LIMIT * 2 // 3, MESSAGE_LIMIT // 6
    return f"{text[:head]} [... {len(text) - head - tail:,} characters ...] {text[-tail:]}"


def _silence_stdout(stdout: Any) -> None:
    """Point `stdout` at /dev/null so the interpreter's last flush does not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout.fileno())
    except (OSError, ValueError, AttributeError):  # in-process callers' StringIO has no descriptor
        pass


if __name__ == "__main__":
    sys.exit(main())
