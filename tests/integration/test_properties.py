"""Property-based tests (hypothesis) over the form endpoints, on SQLite.

Whatever text is typed into any field, or whatever bytes make up the body: the answer is
200, 303, 400, 413 or 429, never a 500; a 303 stores exactly one application; an input
with '<' is never sent back unescaped. Fixed examples (derandomize) keep CI stable.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_support import HIDDEN, VALID, make_app, stored
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms_service.kinds import KINDS as REGISTRY
from sitedata.kinds import KINDS

pytestmark = pytest.mark.integration

ALLOWED = {200, 303, 400, 413, 429}
PROPERTY = settings(
    max_examples=60, deadline=None, derandomize=True, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# Any text without surrogates (they cannot be encoded in a request).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)

FIELD_ORDER = {kind: REGISTRY[kind].fields for kind in KINDS}


class Forms:
    def __init__(self, url: str) -> None:
        self.app = make_app(url)
        self.client = self.app.test_client()
        self.tokens: dict[tuple[str, str], str] = {}

    def csrf(self, kind: str, lang: str) -> str:
        if (kind, lang) not in self.tokens:
            page = self.client.get(f"/{lang}/apply/{kind}/")
            self.tokens[kind, lang] = dict(HIDDEN.findall(page.text))["csrf_token"]
        return self.tokens[kind, lang]

    def count(self) -> int:
        return len(stored(self.app)[0])


@pytest.fixture(scope="module")
def forms(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Forms]:
    forms = Forms(f"sqlite:///{tmp_path_factory.mktemp('props') / 'forms.sqlite3'}")
    yield forms
    forms.app.extensions["forms_service.engine"].dispose()


def check_answer(forms: Forms, response, before: int, sent: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code in ALLOWED
    after = forms.count()
    assert after == before + (1 if response.status_code == 303 else 0)
    for value in sent:
        if "<" in value:
            assert value not in response.text


@pytest.mark.parametrize("kind", KINDS)
@PROPERTY
@given(data=st.data())
def test_any_text_in_any_field_is_answered_safely(forms: Forms, kind: str, data) -> None:  # type: ignore[no-untyped-def]
    lang = data.draw(st.sampled_from(["fr", "nl", "en"]))
    fields = data.draw(st.lists(st.sampled_from(FIELD_ORDER[kind]), min_size=1, unique=True))
    typed = {name: data.draw(TEXT, label=name) for name in fields}
    before = forms.count()
    payload = {
        **VALID[kind], "csrf_token": forms.csrf(kind, lang),
        "submission_token": secrets.token_urlsafe(24), **typed,
    }
    response = forms.client.post(f"/{lang}/apply/{kind}/", data=payload)
    check_answer(forms, response, before, list(typed.values()))


@PROPERTY
@given(body=st.binary(max_size=2000), kind=st.sampled_from(KINDS))
def test_any_raw_body_is_answered_safely(forms: Forms, body: bytes, kind: str) -> None:
    token = forms.csrf(kind, "fr").encode()
    before = forms.count()
    response = forms.client.post(
        f"/fr/apply/{kind}/", data=body + b"&csrf_token=" + token,
        content_type="application/x-www-form-urlencoded",
    )
    check_answer(forms, response, before, [body.decode("utf-8", "replace")])


@PROPERTY
@given(body=st.binary(max_size=2000))
def test_any_multipart_body_is_answered_safely(forms: Forms, body: bytes) -> None:
    before = forms.count()
    response = forms.client.post(
        "/nl/apply/partner/", data=body,
        content_type="multipart/form-data; boundary=xyz",
    )
    check_answer(forms, response, before, [])


def test_a_valid_form_found_by_the_property_run_is_stored(tmp_path: Path) -> None:
    """The properties above would pass with a service that refuses everything: it does not."""
    forms = Forms(f"sqlite:///{tmp_path / 'forms.sqlite3'}")
    payload = {**VALID["mentor"], "csrf_token": forms.csrf("mentor", "fr"),
               "submission_token": secrets.token_urlsafe(24)}
    response = forms.client.post("/fr/apply/mentor/", data=payload)
    assert response.status_code == 303 and forms.count() == 1
