"""RESULTS.md is written in parts: `run.py` rewrites the file, then each further benchmark of
`make bench` (sessions, workspace) replaces its own section at the end."""

from __future__ import annotations

from pathlib import Path


def write_section(path: Path, heading: str, section: str) -> None:
    """Put `section` at the end of the file at `path`, in place of the section whose title
    starts with `heading` (up to the next `## ` title), if there is one."""
    text = path.read_text() if path.is_file() else ""
    start = text.find(heading)
    if start >= 0:
        after = text.find("\n## ", start + len(heading))
        text = text[:start] + (text[after + 1:] if after >= 0 else "")
    path.write_text(text.rstrip() + ("\n\n" if text.strip() else "") + section)
