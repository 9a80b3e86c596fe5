"""Page weight (bytes transferred, in Chromium) and Lighthouse mobile scores.

The site is served as in production: nginx with the project's config (gzip) in front of
gunicorn, which answers the forms and thank-you pages.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import subprocess
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from formdata import hidden_fields, mentor_answers

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
LIGHTHOUSE = ROOT / "benchmarks" / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LANGS = ("fr", "nl", "en")
BRANCH = "brussels"


def prefix(lang: str) -> str:
    return "/" if lang == "fr" else f"/{lang}/"


def page_paths(lang: str) -> dict[str, str]:
    """One URL per page type; the thank-you page needs a submission, added by thanks_path."""
    p = prefix(lang)
    return {
        "home": p,
        "impact": f"{p}impact/",
        "branch": f"{p}branches/{BRANCH}/",
        "mentor": f"{p}mentor/",
        "form": f"/{lang}/apply/mentor/",
    }


def thanks_path(base: str, lang: str) -> str:
    """Sends a real application (CSRF round trip) and returns its thank-you page's path."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = f"{base}/{lang}/apply/mentor/"
    with opener.open(form, timeout=10) as page:
        hidden = hidden_fields(page.read().decode())
    body = urllib.parse.urlencode([*hidden.items(), *mentor_answers(0)]).encode()
    with opener.open(form, data=body, timeout=10) as done:  # follows the 303
        path = urllib.parse.urlsplit(done.geturl()).path
    if "/thanks/" not in path:
        raise RuntimeError(f"the submission did not reach a thank-you page: {path}")
    return path


def page_weights(
    base: str, langs: tuple[str, ...], settle: bool = True
) -> dict[str, dict[str, Any]]:
    """Bytes on the wire for each page, cold cache: the sum over every response of
    Network.loadingFinished.encodedDataLength (headers and compressed bodies)."""
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, Any]] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROME_FLAGS[1:])
        try:
            for lang in langs:
                paths = {**page_paths(lang), "thanks": thanks_path(base, lang)}
                for kind, path in paths.items():
                    results[f"{kind}.{lang}"] = _weigh(browser, base + path, settle)
        finally:
            browser.close()
    return results


def _weigh(browser: Any, url: str, settle: bool) -> dict[str, Any]:
    context = browser.new_context()  # a new context: empty cache, no cookies
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    sizes: dict[str, float] = {}
    urls: dict[str, str] = {}
    cdp.on(
        "Network.requestWillBeSent",
        lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
    )
    response = page.goto(url, wait_until="networkidle" if settle else "load")
    status = response.status if response else 0
    if settle:
        page.wait_for_timeout(300)  # late requests (search index, worker) count too
    context.close()
    heaviest = sorted(((sizes[r], urls.get(r, "?")) for r in sizes), reverse=True)[:3]
    return {
        "url": url,
        "status": status,
        "bytes": int(sum(sizes.values())),
        "requests": len(sizes),
        "heaviest": [{"bytes": int(b), "url": u} for b, u in heaviest],
    }


def lighthouse(url: str) -> dict[str, Any]:
    """Lighthouse's default mobile run (emulated phone, simulated slow 4G)."""
    with tempfile.TemporaryDirectory(prefix="duo-bench-lh-") as tmp:
        report = Path(tmp) / "report.json"
        done = subprocess.run(
            ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json",
             f"--output-path={report}", f"--only-categories={','.join(CATEGORIES)}",
             f"--chrome-flags={' '.join(CHROME_FLAGS)}"],
            env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
            timeout=180,
        )
        if done.returncode != 0 or not report.is_file():
            raise RuntimeError(f"lighthouse failed on {url}: {done.stderr[-2000:]}")
        data = json.loads(report.read_text())
    scores = {c: round((data["categories"][c]["score"] or 0) * 100) for c in CATEGORIES}
    # What kept a category below 100: the audits that did not pass (ids only).
    failing = {}
    for c in CATEGORIES:
        refs = data["categories"][c]["auditRefs"]
        ids = [
            r["id"] for r in refs
            if r.get("weight", 0) > 0 and (data["audits"][r["id"]].get("score") is not None)
            and data["audits"][r["id"]]["score"] < 1
        ]
        if ids:
            failing[c] = ids
    return {"url": url, "scores": scores, "failing": failing,
            "version": data.get("lighthouseVersion", "?")}


def lighthouse_version() -> str:
    package = LIGHTHOUSE.parent.parent / "package.json"
    if not package.is_file():
        return "not installed"
    return json.loads(package.read_text())["version"]


# Lighthouse's performance score moves by a few points between runs of the same page on the
# same machine (its total blocking time is the page's main-thread work as this CPU ran it):
# each page is measured this many times and the run with the median performance is kept, as
# Lighthouse's documentation on variability advises.
LIGHTHOUSE_RUNS = 3


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run whose performance score is the median, with every run's performance."""
    ordered = sorted(runs, key=lambda r: r["scores"]["performance"])
    return {**ordered[len(ordered) // 2],
            "performance_runs": [r["scores"]["performance"] for r in runs]}


def lighthouse_pages(base: str, langs: tuple[str, ...],
                     runs: int = LIGHTHOUSE_RUNS) -> dict[str, dict[str, Any]]:
    results = {}
    for lang in langs:
        paths = page_paths(lang)
        for kind in ("home", "impact", "branch", "form"):
            results[f"{kind}.{lang}"] = median_run(
                [lighthouse(base + paths[kind]) for _ in range(runs)]
            )
    return results


