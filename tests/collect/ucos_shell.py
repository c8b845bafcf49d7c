"""A UCOS-like admin CLI for a real OpenSSH server (tests/collect/test_openssh.py): sshd runs it as the
ForceCommand on a pseudo-terminal, so the terminal (not this script) echoes what is typed and turns
`\\n` into `\\r\\n`, as on a real node. Standard library only: sshd starts it with the system Python.

    ucos_shell.py OUTPUTS.json [MODE]   (MODE: `echo-password`, the password printed back)
"""

from __future__ import annotations

import json
import sys

VERBS = {"show", "utils", "set", "file", "run", "unset", "delete", "license"}


def main() -> None:
    outputs: dict[str, str] = json.loads(open(sys.argv[1], encoding="utf-8").read())
    mode = sys.argv[2] if len(sys.argv) > 2 else ""
    out = sys.stdout
    out.write("Command Line Interface is starting up, please wait ...\n\n"
              "   Welcome to the Platform Command Line Interface\n\n")
    while True:
        out.write("admin:")
        out.flush()
        line = sys.stdin.readline()
        if not line:
            return
        typed = " ".join(line.split())
        if not typed:
            continue
        if typed == "set cli pagination off":
            out.write("\nAutomatic pagination is turned off\n\n")
        elif typed in outputs:
            out.write(outputs[typed] + "\n")
            if mode.startswith("echo-password:") and typed == "show status":
                out.write(f"Last login password: {mode.split(':', 1)[1]}\n")
        elif typed.split()[0] in VERBS:
            out.write("Executed command unsuccessfully\n")
        else:
            out.write(f"Invalid command: {typed}\n")


if __name__ == "__main__":
    main()
