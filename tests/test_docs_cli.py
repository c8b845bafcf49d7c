"""Docs that cannot drift: docs/cli-contract.md's synopsis and the README's examples are the CLI's."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from ucnb.cli import build_parser
from ucnb.report import formats

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = (ROOT / "docs" / "cli-contract.md").read_text()
README = (ROOT / "README.md").read_text()
OPTION = re.compile(r"(?<![\w-])--?[a-z][a-z-]*")
LIMITS = {"--max-bytes", "--max-members"}  # every reading command's, in the paragraph under the summary


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _options(parser: argparse.ArgumentParser) -> list[list[str]]:
    """Each option's spellings (`-o`, `--output`), help left out."""
    return [a.option_strings for a in parser._actions if a.option_strings and a.dest != "help"]


def _positionals(parser: argparse.ArgumentParser) -> list[str]:
    return [a.metavar or a.dest for a in parser._actions if not a.option_strings]


def _blocks(text: str, *languages: str) -> list[str]:
    """The fenced code blocks of a Markdown text whose language is one of `languages` (none: untagged)."""
    blocks, current, language = [], None, None
    for line in text.splitlines(keepends=True):
        if line.startswith("```") and current is None:
            current, language = [], line[3:].strip()
        elif line.startswith("```"):
            if language in (languages or ("",)):
                blocks.append("".join(current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def _synopses() -> dict[str, str]:
    """{command: its lines in the summary (the first block) and in the first block of its own section}."""
    found: dict[str, str] = {}
    summary = _blocks(CONTRACT)[0]
    for entry in re.split(r"\n(?=ucnb )", summary.strip()):
        words = entry.split()
        command = words[1] if not words[1].startswith("-") else ""
        found[command] = found.get(command, "") + entry + "\n"
    for heading, body in re.findall(r"^## `(\w+)[^\n]*\n(.*?)(?=^## |\Z)", CONTRACT, re.M | re.S):
        for block in _blocks(body)[:1]:
            if block.lstrip().startswith(f"ucnb {heading}"):
                found[heading] = found.get(heading, "") + block
    return found


def test_the_summary_lists_every_command():
    summary = _blocks(CONTRACT)[0]
    listed = re.findall(r"^ucnb ([a-z]+)", summary, re.M)
    assert sorted(set(listed)) == sorted(_subcommands())


def test_each_option_is_in_its_synopsis_and_no_other():
    synopses = _synopses()
    assert all(option in CONTRACT.split("```", 2)[2].split("##")[0] for option in LIMITS)
    top = build_parser()
    commands = {"": top, **_subcommands()}
    for command, parser in commands.items():
        text = synopses[command]
        written = set(OPTION.findall(text))
        for spellings in _options(parser):
            assert written & set(spellings) or set(spellings) <= LIMITS, \
                f"`ucnb {command}` {spellings[-1]} is not in docs/cli-contract.md's synopsis"
        known = {s for spellings in _options(parser) for s in spellings}
        assert written <= known, f"docs/cli-contract.md: `ucnb {command}` has no {sorted(written - known)}"
        for name in _positionals(parser) if command else ():
            assert re.search(rf"\b{re.escape(name)}\b", text), f"`ucnb {command}` {name} not in its synopsis"


def _examples(text: str) -> list[str]:
    """The `ucnb ...` and `make ...` lines of a text's code blocks, without their comments."""
    lines = []
    for block in _blocks(text, "sh", ""):
        for line in block.splitlines():
            line = line.split(" #")[0].strip()
            if re.match(r"(ucnb|make) ", line):
                lines.append(line)
    return lines


def test_readme_commands_parse():
    examples = [line for line in _examples(README) if line.startswith("ucnb ")]
    assert len(examples) >= 10
    for line in examples:
        args, unknown = build_parser().parse_known_args(shlex.split(line)[1:])
        assert not unknown, f"README: {line!r}: {unknown}"


def test_readme_make_targets_exist():
    targets = set(re.findall(r"^([a-z]+):", (ROOT / "Makefile").read_text(), re.M))
    shown = {line.split()[1] for line in _examples(README) if line.startswith("make ")}
    assert shown and shown <= targets


def test_report_output_help_lists_every_format(monkeypatch, capsys):
    extra = formats.Format("rst", (".rst",), "ucnb.report.render_md", "reStructuredText, one day")
    monkeypatch.setattr(formats, "FORMATS", (*formats.FORMATS, extra))
    with pytest.raises(SystemExit):
        build_parser().parse_args(["report", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for each in formats.FORMATS:
        assert f"{'/'.join(each.suffixes)} = {each.description}" in text
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    assert "post-incident report (.html, .md, .txt, .pdf, .rst)" in capsys.readouterr().out
