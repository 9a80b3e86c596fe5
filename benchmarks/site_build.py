"""Site build timings: the real build, a tenfold synthetic page set, and a plain reference.

Every build goes to a temporary folder (never to site/, which others use). The tenfold and
reference builds run from a temporary project folder: a copy of docs/ and of mkdocs.yml, with
overrides/ and data/ linked, so the project's hooks find what they expect.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = Path(sys.executable).parent / "mkdocs"
LANGS = ("fr", "nl", "en")
COPY_MARK = "-copy"


def build_env() -> dict[str, str]:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build_once(config: Path, site_dir: Path, strict: bool = True) -> tuple[float, float]:
    """One full `mkdocs build`: wall-clock seconds (process start included, as a user sees)
    and CPU seconds (less sensitive to other work on the machine)."""
    shutil.rmtree(site_dir, ignore_errors=True)
    cmd = [str(MKDOCS), "build", "-q", "-f", str(config), "-d", str(site_dir)]
    if strict:
        cmd.insert(3, "--strict")
    cpu0 = _children_cpu()
    start = time.perf_counter()
    done = subprocess.run(cmd, env=build_env(), cwd=config.parent, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    cpu = _children_cpu() - cpu0
    if done.returncode != 0:
        raise RuntimeError(f"mkdocs build failed ({config}):\n{done.stderr[-3000:]}")
    return elapsed, cpu


def compress(site_dir: Path) -> None:
    """What `make build` does after mkdocs: a .br and a .gz beside each text file."""
    subprocess.run([sys.executable, "-m", "whitenoise.compress", "--quiet", str(site_dir)],
                   check=True)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def html_pages(site_dir: Path) -> int:
    return sum(1 for _ in site_dir.rglob("*.html"))


def timed(builds: dict[str, tuple[Path, bool]], runs: int) -> dict[str, dict[str, Any]]:
    """`runs` builds of each (config, strict) in `builds`, taken in turn (a, b, c, a, b, c…),
    so that every one sees the same load on a shared machine."""
    sites = {name: Path(tempfile.mkdtemp(prefix="duo-bench-site-")) for name in builds}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in builds}
    try:
        for _ in range(runs):
            for name, (config, strict) in builds.items():
                times[name].append(build_once(config, sites[name], strict))
        return {
            name: {
                "median_s": statistics.median(r[0] for r in runs_),
                "cpu_median_s": statistics.median(r[1] for r in runs_),
                "runs_s": [round(r[0], 3) for r in runs_],
                "cpu_runs_s": [round(r[1], 3) for r in runs_],
                "pages": html_pages(sites[name]),
            }
            for name, runs_ in times.items()
        }
    finally:
        for site in sites.values():
            shutil.rmtree(site, ignore_errors=True)


def project_copy(work: Path) -> Path:
    """A temporary project: docs/ copied, the rest linked; returns its mkdocs.yml path."""
    shutil.copytree(ROOT / "docs", work / "docs")
    for name in ("overrides", "data", "sitedata"):
        if (ROOT / name).exists():
            (work / name).symlink_to(ROOT / name)
    config = work / "mkdocs.yml"
    shutil.copy(ROOT / "mkdocs.yml", config)
    return config


def multiply_pages(docs: Path, factor: int) -> None:
    """factor-1 copies of every page of every language, so each language has the same set."""
    for lang in LANGS:
        for page in sorted((docs / lang).rglob("*.md")):
            if page.name == "404.md" or COPY_MARK in page.stem:
                continue
            for i in range(1, factor):
                page.with_name(f"{page.stem}{COPY_MARK}{i}.md").write_text(page.read_text())


def allow_copies_outside_nav(config: Path) -> None:
    text = config.read_text()
    text = text.replace("not_in_nav: |\n", f"not_in_nav: |\n  *{COPY_MARK}*.md\n", 1)
    config.write_text(text)


def strip_project_plugins(config: Path) -> None:
    """Plain MkDocs + Material (+ static-i18n): no hooks, no macros, no theme overrides."""
    out: list[str] = []
    skip_indent: int | None = None
    for line in config.read_text().splitlines():
        indent = len(line) - len(line.lstrip())
        if skip_indent is not None:
            if not line.strip() or indent > skip_indent:
                continue
            skip_indent = None
        stripped = line.strip()
        if stripped == "hooks:":
            skip_indent = indent
            continue
        if stripped.startswith("custom_dir:"):
            continue
        if re.match(r"strict:\s*true", stripped):
            # Macro calls stay literal text, which may look like broken links.
            line = line.replace("true", "false")
        out.append(line)
    config.write_text("\n".join(out) + "\n")


def materialize_branch_pages(docs: Path) -> None:
    """The branch pages the hooks generate, written as Markdown, so both builds have them."""
    sys.path.insert(0, str(ROOT))
    from overrides.hooks.branch_page import branch_markdown
    from sitedata import load_default

    site = load_default()
    for lang in LANGS:
        for branch in site.branches.branches:
            (docs / lang / "branches" / f"{branch.id}.md").write_text(
                branch_markdown(branch, site, lang)
            )


def run(runs: int, factor: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="duo-bench-tenfold-") as tenfold, \
            tempfile.TemporaryDirectory(prefix="duo-bench-reference-") as reference:
        many_config = project_copy(Path(tenfold))
        multiply_pages(Path(tenfold) / "docs", factor)
        allow_copies_outside_nav(many_config)
        ref_config = project_copy(Path(reference))
        strip_project_plugins(ref_config)
        materialize_branch_pages(Path(reference) / "docs")
        timings = timed({
            "full": (ROOT / "mkdocs.yml", True),
            "reference": (ref_config, False),
            "tenfold": (many_config, True),
        }, runs)
    full, many, ref = timings["full"], timings["tenfold"], timings["reference"]

    added = max(many["pages"] - full["pages"], 1)
    return {
        "full": full,
        "tenfold": many,
        "reference": ref,
        "factor": factor,
        "per_page_ms": full["median_s"] / full["pages"] * 1000,
        "tenfold_per_page_ms": many["median_s"] / many["pages"] * 1000,
        # The cost of each added page: fixed start-up cost cancels out.
        "marginal_per_page_ms": (many["median_s"] - full["median_s"]) / added * 1000,
        # Above 1 would mean cost grows faster than the page count.
        "growth_ratio": (many["median_s"] / full["median_s"]) / (many["pages"] / full["pages"]),
        "ratio_to_reference": full["median_s"] / ref["median_s"],
        # The same in CPU seconds: steadier when other work shares the cores.
        "ratio_to_reference_cpu": full["cpu_median_s"] / ref["cpu_median_s"],
        "reference_note": (
            "mkdocs-static-i18n kept (one build, three languages); hooks, macros and theme "
            "overrides removed; the branch pages the hooks generate written as Markdown; "
            "built in turn with the full and tenfold builds"
        ),
    }
