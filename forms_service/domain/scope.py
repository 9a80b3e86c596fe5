"""Which branches a member of staff may see: coordinators their own branches, country
leads every branch of their country, admins all of them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sitedata.models import Branches

ROLES = ("coordinator", "country", "admin")


@dataclass(frozen=True)
class Scope:
    role: str
    branch_ids: frozenset[str]
    country: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def visible_branches(scope: Scope, branches: Branches) -> list[str]:
    """The ids of the branches this scope sees, in data order. Unknown roles see nothing."""
    if scope.role == "admin":
        return [b.id for b in branches.branches]
    if scope.role == "country":
        return [b.id for b in branches.branches if b.country == scope.country]
    if scope.role == "coordinator":
        return [b.id for b in branches.branches if b.id in scope.branch_ids]
    return []


def make_scope(role: str, branch_ids: Iterable[str], country: str | None) -> Scope:
    return Scope(role=role, branch_ids=frozenset(branch_ids), country=country)
