"""The answer key of an exercise: what a trainee should find (a lesson's `[answer]` in
`ucnb/data/lessons.toml`, or the `answer.json` that `ucnb practice` writes)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ucnb.errors import InputError
from ucnb.model.actions import decision_names


@dataclass(frozen=True)
class AnswerKey:
    """What a trainee should find: the `answer.json` of `ucnb practice`, or a lesson's `[answer]`.

    >>> AnswerKey.from_dict({"node": "cuc-sub", "zombie_pids": [387, 325], "ppid": 7827,
    ...     "service": "Connection File Syncer", "action": "restart_service"}).zombie_pids
    (325, 387)
    """

    node: str
    zombie_pids: tuple[int, ...]
    ppid: int
    service: str | None
    action: str
    also_right: tuple[str, ...] = ()  # other actions a TAC engineer could defend (ex5: leave)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnswerKey:
        try:
            key = cls(
                node=str(data["node"]),
                zombie_pids=tuple(sorted(int(p) for p in data["zombie_pids"])),
                ppid=int(data["ppid"]),
                service=data.get("service") or None,
                action=str(data["action"]),
                also_right=tuple(data.get("also_right", ())),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise InputError(f"answer key: missing or bad field ({error})") from None
        if not key.zombie_pids or key.action not in decision_names():
            raise InputError(f"answer key: no zombie PID, or unknown action {key.action!r}")
        return key

    @classmethod
    def read(cls, path: str | Path) -> AnswerKey:
        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as error:
            raise InputError(f"{path}: cannot read the answer key ({error})") from None

    def to_json(self) -> str:
        data = {
            "node": self.node,
            "zombie_pids": list(self.zombie_pids),
            "ppid": self.ppid,
            "service": self.service,
            "action": self.action,
        }
        return json.dumps(data, indent=2) + "\n"
