"""The one place that reads data/*.yml.

Invalid data raises DataError naming the file, the entry and the field, so a bad edit fails
the site build and the service start with a message a person can act on.
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from sitedata.models import Branches, DataError, Impact, Programme, SiteData

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
# libyaml's safe loader when PyYAML was built with it (six times faster on our files).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read(path: Path) -> object:
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.load(fh, Loader=SAFE_LOADER)
    except OSError as exc:
        raise DataError(f"{path}: cannot be read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise DataError(f"{path}: is not valid YAML: {exc}") from exc


def _entry_name(raw: object, loc: tuple[int | str, ...]) -> str:
    """Turn a pydantic location into words: 'branches[3] (id: ghent) → postcodes[0] → to'."""
    parts: list[str] = []
    node = raw
    for key in loc:
        label = f"[{key}]" if isinstance(key, int) else (f".{key}" if parts else str(key))
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            node = node[key]
            if isinstance(node, dict) and "id" in node:
                label += f" (id: {node['id']})"
        elif isinstance(node, dict):
            node = node.get(key)
        parts.append(label)
    return "".join(parts) or "(top level)"


def _validate(model: type[BaseModel], path: Path) -> BaseModel:
    raw = _read(path)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        lines = [f"{path}: invalid data"]
        for err in exc.errors():
            lines.append(f"  {_entry_name(raw, tuple(err['loc']))}: {err['msg']}")
        raise DataError("\n".join(lines)) from None


def load(data_dir: Path | str = DATA_DIR) -> SiteData:
    """Read and validate every data file in data_dir."""
    data_dir = Path(data_dir)
    return SiteData(
        impact=_validate(Impact, data_dir / "impact.yml"),  # type: ignore[arg-type]
        branches=_validate(Branches, data_dir / "branches.yml"),  # type: ignore[arg-type]
        programme=_validate(Programme, data_dir / "programme.yml"),  # type: ignore[arg-type]
    )


@functools.cache
def load_default() -> SiteData:
    """The project's data, read once per process."""
    return load(DATA_DIR)
