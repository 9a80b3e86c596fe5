"""pyinstrument profiles of what a missed budget measured, written to benchmarks/profiles/.

Run in a subprocess with the service's FLASK_* environment:
    python benchmarks/profiling.py submissions|outbox N OUT.txt
The flat view (time per function, self time) shows where wall time goes: CPU in Python or
waiting in a system call (an fsync in Connection.commit, a socket).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from formdata import hidden_fields, mentor_answers
from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer


def flat(profiler: Profiler, title: str, lines: int = 30) -> str:
    text = profiler.output(ConsoleRenderer(color=False, unicode=False, flat=True))
    body = [ln for ln in text.splitlines() if ln.strip()]
    return title + "\n" + "\n".join(body[:lines]) + "\n"


def profile_submissions(app, n: int) -> str:  # type: ignore[no-untyped-def]
    profiler = Profiler()
    for i in range(n + 5):
        if i == 5:  # the first requests compile templates: not the steady state
            profiler.start()
        client = app.test_client()  # a new visitor: no session cookie
        page = client.get("/en/apply/mentor/")
        form = [*hidden_fields(page.text).items(), *mentor_answers(i)]
        data: dict[str, list[str]] = {}
        for key, value in form:
            data.setdefault(key, []).append(value)
        done = client.post("/en/apply/mentor/", data=data)
        assert done.status_code == 303, done.status_code
    profiler.stop()
    return flat(profiler, f"{n} submissions (GET form + POST), Flask test client, no network")


def profile_outbox(app, n: int) -> str:  # type: ignore[no-untyped-def]
    from outbox_drain import seed

    from forms_service.mail.outbox import send_pending

    seed(n)
    profiler = Profiler()
    profiler.start()
    while sum(send_pending().values()):
        pass
    profiler.stop()
    return flat(profiler, f"outbox drain of {n} messages to aiosmtpd")


def main() -> int:
    what, n, out = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3])
    from bench_app import create_app

    app = create_app()
    logging.getLogger("forms_service").setLevel(logging.WARNING)
    app.logger.setLevel(logging.WARNING)
    if what == "submissions":
        # Outside an app context: Flask-WTF keeps the token in g, which one outer context
        # would share between requests.
        text = profile_submissions(app, n)
    else:
        with app.app_context():
            text = profile_outbox(app, n)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
