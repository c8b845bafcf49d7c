"""Counts read as English: "1 line", "2 lines", never "line(s)" (issue 16 item 7).

A static scan of every string the package, the tools and the notebooks can show (docstrings aside:
they are read by developers), and behaviour on the warnings that used to say "1 line(s)".
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from ucnb.read.capture import read_capture
from ucnb.read.parsers.listing import parse_listing
from ucnb.read.sources import SourceFile
from ucnb.text import plural

ROOT = Path(__file__).resolve().parents[1]
# `word(s)` / `word(es)`; `Cpu(s)` is the literal label of top's summary line, not a plural of ours.
HEDGED = re.compile(r"\b(?!Cpu\()\w+\((?:s|es)\)")


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (module, class, function)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def hedged_plurals(source: str, where: str) -> list[str]:
    """`where:line: text` for each string literal (f-string parts included) with a `word(s)`.

    >>> hedged_plurals('x = f"{n} line(s)"\\n"Cpu(s): 1.0%us"\\n', "m.py")
    ['m.py:1: line(s)']
    """
    tree = ast.parse(source)
    skip = _docstrings(tree)
    return [f"{where}:{node.lineno}: {match.group()}"
            for node in sorted(ast.walk(tree), key=lambda node: getattr(node, "lineno", 0))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
            for match in HEDGED.finditer(node.value)]


def test_no_string_of_the_package_or_tools_hedges_a_plural():
    files = sorted([*ROOT.joinpath("ucnb").rglob("*.py"), *ROOT.joinpath("tools").glob("*.py"),
                    *ROOT.joinpath("bench").glob("*.py")])
    assert len(files) > 40
    found = [hit for path in files
             for hit in hedged_plurals(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert found == []


def test_no_notebook_cell_or_stored_output_hedges_a_plural():
    notebooks = sorted([*ROOT.joinpath("notebooks").rglob("*.ipynb"),
                        *ROOT.joinpath("tools").glob("*.ipynb")])
    assert notebooks
    found = []
    for path in notebooks:
        for index, cell in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"]):
            where = f"{path.relative_to(ROOT)} cell {index}"
            if cell["cell_type"] == "code":
                source = "".join(cell["source"])
                code = "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                                 for line in source.splitlines())
                found += hedged_plurals(code, where)
                for output in cell.get("outputs", []):
                    text = "".join(output.get("text", "")) + "".join(
                        output.get("data", {}).get("text/plain", ""))
                    found += [f"{where} output: {m.group()}" for m in HEDGED.finditer(text)]
            else:
                found += [f"{where}: {m.group()}" for m in HEDGED.finditer("".join(cell["source"]))]
    assert found == []


def test_the_scan_finds_a_hedged_plural_in_an_f_string_but_not_in_a_docstring_or_top_label():
    source = '"""Reads line(s)."""\ndef f(n):\n    """n row(s)."""\n    return f"{n} zombie(s)", "%Cpu(s):"\n'
    assert hedged_plurals(source, "x.py") == ["x.py:4: zombie(s)"]


def _capture(data: bytes):
    return read_capture(SourceFile(name="x.txt", root="x.txt", data=data))


@pytest.mark.parametrize(("bad", "said"), [(1, "1 byte is"), (2, "2 bytes are")])
def test_a_warning_counts_bytes_in_english(bad: int, said: str):
    capture = _capture(b"Host Name    : cucm-pub" + b"\xff" * bad + b"\n")
    assert capture.warnings == [f"x.txt: {said} not UTF-8; shown as \ufffd"]


@pytest.mark.parametrize(("lines", "said"), [(1, "1 of 1 line has its shape"),
                                             (2, "2 of 2 lines have its shape")])
def test_a_listing_without_header_counts_its_lines_in_english(lines: int, said: str):
    rows = ["ccmserv+ 29815 1 0 Oct19 ? 03:10:11 amc",
            "ccmserv+ 22908 29815 0 Oct19 ? 00:00:00 [sh] <defunct>"]
    result = parse_listing(rows[:lines], file="f")
    assert said in result.assumed_layout and "line(s)" not in result.assumed_layout


def test_the_helper_says_one_and_many():
    assert [plural(n, "line") for n in (0, 1, 2, 1500)] == ["0 lines", "1 line", "2 lines", "1,500 lines"]
    assert [plural(2, w) for w in ("zombie process", "entry", "key", "PID")] == [
        "2 zombie processes", "2 entries", "2 keys", "2 PIDs"]
