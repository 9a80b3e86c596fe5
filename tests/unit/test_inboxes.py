"""Which inbox hears of an application: the branch's, its head office's, or an operator's."""

from __future__ import annotations

from forms_service.mail.inboxes import inbox_of
from sitedata import load_default


def test_a_branch_without_inbox_uses_its_head_office_and_operators_can_override() -> None:
    branches = load_default().branches
    antwerp, lyon = branches.get("antwerp"), branches.get("lyon")
    assert inbox_of(branches, antwerp, {}) == "brussels@duoforajob.be"
    assert inbox_of(branches, lyon, {}) == "brussels@duoforajob.be"
    assert inbox_of(branches, antwerp, {"antwerp": "a@example.org"}) == "a@example.org"
    assert inbox_of(branches, lyon, {"paris": "paris@example.org"}) == "paris@example.org"
