"""Where a branch's applications go: data/branches.yml, overridden by deployment configuration."""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app, has_app_context

from sitedata.models import Branch, Branches


def overrides() -> Mapping[str, str]:
    """FLASK_BRANCH_INBOXES, e.g. '{"antwerp": "antwerpen@example.org"}'."""
    if not has_app_context():
        return {}
    value = current_app.config.get("BRANCH_INBOXES") or {}
    return value if isinstance(value, Mapping) else {}


def inbox_of(
    branches: Branches, branch: Branch, configured: Mapping[str, str] | None = None
) -> str:
    """Branches.inbox_of with the deployment's overrides (FLASK_BRANCH_INBOXES)."""
    return branches.inbox_of(branch, overrides() if configured is None else configured)
