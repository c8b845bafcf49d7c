"""The answer key of an exercise: what a trainee should find (a lesson's `[answer]` in
`ucnb/data/lessons.toml`, or the key file that `ucnb practice` writes away from the exercise)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ucnb.errors import InputError
from ucnb.model.actions import decision_names

# what an exercise shows: one zombie group, two groups (two services), no process listing (only the
# counts: recollect), a count that grows between `show process load` snapshots
VARIANTS = ("one", "two-groups", "no-listing", "growing")


@dataclass(frozen=True)
class GroupKey:
    """Another zombie group of the node: its parent, its zombies, the service and the action.

    >>> GroupKey.from_dict({"zombie_pids": [9, 4], "ppid": 3, "service": "Connection Notifier",
    ...                     "action": "restart_service"}).zombie_pids
    (4, 9)
    """

    zombie_pids: tuple[int, ...]
    ppid: int
    service: str | None
    action: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GroupKey:
        key = cls(
            zombie_pids=tuple(sorted(int(p) for p in data["zombie_pids"])),
            ppid=int(data["ppid"]),
            service=data.get("service") or None,
            action=str(data["action"]),
        )
        if not key.zombie_pids or key.action not in decision_names():
            raise InputError(f"answer key: no zombie PID, or unknown action {key.action!r}")
        return key

    def to_dict(self) -> dict[str, Any]:
        return {"zombie_pids": list(self.zombie_pids), "ppid": self.ppid, "service": self.service,
                "action": self.action}


@dataclass(frozen=True)
class AnswerKey:
    """What a trainee should find: the key file of `ucnb practice`, or a lesson's `[answer]`.

    `zombie_counts`: the zombie count of each `show process load` snapshot, oldest first (empty: not
    known). `other_groups`: the node's other zombie groups (the first group is the key's own fields).
    `variant`: one of `VARIANTS` (a lesson: "one").
    Which actions are also right (leaving the cosmetic IM&P case) is not in the key: the
    catalogue's rule decides it, the same for a lesson and a practice exercise
    (`ucnb.training.lessons.accepted_actions`).

    >>> key = AnswerKey.from_dict({"node": "cuc-sub", "zombie_pids": [387, 325], "ppid": 7827,
    ...     "service": "Connection File Syncer", "action": "restart_service", "zombie_counts": [1, 2]})
    >>> key.zombie_pids, key.growing
    ((325, 387), True)
    """

    node: str
    zombie_pids: tuple[int, ...]
    ppid: int
    service: str | None
    action: str
    zombie_counts: tuple[int, ...] = ()
    other_groups: tuple[GroupKey, ...] = ()
    variant: str = "one"

    @property
    def growing(self) -> bool:
        """Whether the count grew from the first snapshot to the last."""
        return len(self.zombie_counts) > 1 and self.zombie_counts[-1] > self.zombie_counts[0]

    @property
    def groups(self) -> tuple[GroupKey, ...]:
        """Every zombie group: the key's own first, then the others."""
        own = GroupKey(self.zombie_pids, self.ppid, self.service, self.action)
        return (own, *self.other_groups)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnswerKey:
        try:
            key = cls(
                node=str(data["node"]),
                zombie_pids=tuple(sorted(int(p) for p in data["zombie_pids"])),
                ppid=int(data["ppid"]),
                service=data.get("service") or None,
                action=str(data["action"]),
                zombie_counts=tuple(int(n) for n in data.get("zombie_counts", ())),
                other_groups=tuple(GroupKey.from_dict(g) for g in data.get("other_groups", ())),
                variant=str(data.get("variant", "one")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise InputError(f"answer key: missing or bad field ({error})") from None
        if not key.zombie_pids or key.action not in decision_names():
            raise InputError(f"answer key: no zombie PID, or unknown action {key.action!r}")
        if key.variant not in VARIANTS:
            raise InputError(f"answer key: variant {key.variant!r} is not one of {', '.join(VARIANTS)}")
        return key

    @classmethod
    def read(cls, path: str | Path) -> AnswerKey:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError) as error:
            raise InputError(f"{path}: cannot read the answer key ({error})") from None
        if not isinstance(data, dict):
            raise InputError(f"{path}: the answer key is not a JSON object")
        return cls.from_dict(data)

    def to_json(self) -> str:
        data = {
            "node": self.node,
            "zombie_pids": list(self.zombie_pids),
            "ppid": self.ppid,
            "service": self.service,
            "action": self.action,
            "zombie_counts": list(self.zombie_counts),
            "other_groups": [group.to_dict() for group in self.other_groups],
            "variant": self.variant,
        }
        return json.dumps(data, indent=2) + "\n"
