"""Where an application may go next: pure rules over the pipeline in data/programme.yml.

From a step, a coordinator may move one step forward, step back one step (with a reason),
or close the application (closing states, always with a reason). A closed application can
be reopened to the step it was closed from, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sitedata.models import Pipeline

MoveKind = Literal["forward", "back", "close", "reopen"]


class MoveRefused(ValueError):
    """The move does not follow the pipeline, or lacks its reason."""


@dataclass(frozen=True)
class Move:
    to: str
    kind: MoveKind

    @property
    def needs_reason(self) -> bool:
        return self.kind != "forward"


def is_closed(pipeline: Pipeline, status: str) -> bool:
    return status in pipeline.closing


def allowed_moves(
    pipeline: Pipeline, kind: str, status: str, reopen_to: str | None = None
) -> list[Move]:
    """Every move from `status`; `reopen_to` is the step a closed application left."""
    steps = pipeline.steps[kind]  # type: ignore[index]
    if status in pipeline.closing:
        return [Move(reopen_to, "reopen")] if reopen_to in steps else []
    if status not in steps:
        return []
    i = steps.index(status)
    moves = []
    if i + 1 < len(steps):
        moves.append(Move(steps[i + 1], "forward"))
    if i > 0:
        moves.append(Move(steps[i - 1], "back"))
    moves += [Move(state, "close") for state in pipeline.closing]
    return moves


def check_move(
    pipeline: Pipeline, kind: str, status: str, to: str, reason: str | None,
    reopen_to: str | None = None,
) -> Move:
    """The move from `status` to `to`, or MoveRefused saying why not."""
    for move in allowed_moves(pipeline, kind, status, reopen_to):
        if move.to == to:
            if move.needs_reason and not (reason or "").strip():
                raise MoveRefused("reason required")
            return move
    raise MoveRefused(f"{status} -> {to} is not a move of the {kind} pipeline")


def reached(pipeline: Pipeline, kind: str, status: str, step: str) -> bool:
    """Whether an application at `status` is at or past `step` (False when closed)."""
    steps = pipeline.steps[kind]  # type: ignore[index]
    return status in steps and step in steps and steps.index(status) >= steps.index(step)
