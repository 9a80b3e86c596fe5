"""Checks on what people type, as plain functions: names, e-mail addresses, phone numbers,
control characters. The form validators (apply.validators) and the services share them."""

from __future__ import annotations

import re
import unicodedata

import idna
import phonenumbers
from email_validator import EmailNotValidError, validate_email

LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]")


def has_control_chars(value: str) -> bool:
    """Line breaks or other control characters: never allowed in a one-line answer."""
    return any(unicodedata.category(ch) == "Cc" for ch in value) or bool(LINE_BREAKS.search(value))


# Zero-width non-joiner and joiner: part of how Persian, Urdu or Indic names are spelled,
# between two letters (never alone, at an edge or beside a space).
JOINERS = "\u200c\u200d"


def typed_text(value: str) -> str:
    """What people type, in one form: NFKC (a no-break space becomes a space, a non-breaking
    hyphen a hyphen, full-width and mathematical letters plain ones), digits of any script
    as ASCII digits, no space at either end."""
    return ascii_digits(unicodedata.normalize("NFKC", value)).strip()


def ascii_digits(value: str) -> str:
    """Arabic-Indic (١٩٦٠), Persian (۱۹۶۰), full-width (１９６０)… digits as 0-9."""
    return "".join(
        str(unicodedata.digit(ch)) if unicodedata.category(ch) == "Nd" else ch for ch in value
    )


def normalise_name(value: str) -> str:
    """A name as stored: typed_text, the Unicode hyphen as the plain one, runs of spaces
    made one."""
    return re.sub(" {2,}", " ", typed_text(value).replace("\u2010", "-"))


def _letter_or_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LM"


def is_plausible_name(value: str) -> bool:
    """Any script: letters, marks, spaces, apostrophes, hyphens, dots; at least one letter.
    Read after normalise_name, so look-alike spaces and hyphens count as the plain ones."""
    if has_control_chars(value):
        return False
    value = normalise_name(value)
    allowed_punct = set(" '’‘-‐.·ʼ")
    has_letter = False
    for i, ch in enumerate(value):
        cat = unicodedata.category(ch)
        if cat[0] == "L":
            has_letter = True
        elif cat[0] == "M" or ch in allowed_punct:
            continue
        elif ch in JOINERS and 0 < i < len(value) - 1:
            if not (_letter_or_mark(value[i - 1]) and _letter_or_mark(value[i + 1])):
                return False
        else:
            return False
    return has_letter


# A host name inside a name ("Claim your prize at evil.example.com"): mail programs turn it
# into a link in the confirmation that greets the person by that name. Two characters at
# least before the dot, so initials ("J.R.R. Tolkien", "O.Smith") are still names.
_HOST_NAME = re.compile(r"[^\W_][\w-]*[^\W_]\.[^\W\d_]{2,}")


def looks_like_link(value: str) -> bool:
    text = normalise_name(value).lower()
    return "://" in text or "www." in text or bool(_HOST_NAME.search(text))


def normalise_phone(value: str, region: str | None) -> str | None:
    """E.164 form of a possible phone number, read with the country as default region."""
    try:
        number = phonenumbers.parse(typed_text(value), region or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Bidirectional embeddings, overrides and isolates (U+202E turns "gpj.exe" around): never
# typed by people, even in Arabic or Hebrew; the marks U+200E/U+200F stay allowed.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CONFUSABLE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK"}


def has_bidi_controls(value: str) -> bool:
    return bool(_BIDI_CONTROLS.search(value))


def mixes_confusable_scripts(label: str) -> bool:
    """A domain label that mixes Latin, Cyrillic or Greek letters ("pаypal" with a Cyrillic
    "а") imitates another domain; browsers refuse to display such labels too."""
    scripts = {
        unicodedata.name(ch, "?").split(" ", 1)[0] for ch in label if ch.isalpha()
    }
    return len(scripts & _CONFUSABLE_SCRIPTS) > 1


# An RFC 2047 encoded-word ("=?utf-8?q?…?="): legal in a local part, but mail programs decode
# it in To and Reply-To, so the address shown is not the one mail goes to.
_ENCODED_WORD = re.compile(r"=\?[^?]*\?[bq]\?[^?]*\?=", re.IGNORECASE)


def normalise_email(value: str) -> str | None:
    """The normalised address, or None when it is not a valid address (no DNS lookup).

    Letters outside ASCII before the @ need SMTPUTF8, which mail servers rarely offer: such a
    confirmation could never be delivered (and the branch's notification, whose Reply-To it
    is, neither), so the form asks for another address. Internationalised domains are fine
    (sent as punycode) unless a label mixes look-alike scripts.
    """
    if has_control_chars(value) or has_bidi_controls(value):
        return None
    try:
        address = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    if any(mixes_confusable_scripts(label) for label in address.domain.split(".")):
        return None
    if _ENCODED_WORD.search(address.local_part):
        return None
    return address.normalized


def mailbox_key(value: str) -> str:
    """One spelling per mailbox, to count and find a person's applications: the local part
    in lower case, the domain in its ASCII (punycode) form, so "Jan@Exémple.fr" and
    "jan@xn--exmple-cva.fr" are the same key. Works on any text, valid address or not."""
    local, at, domain = value.strip().rpartition("@")
    if not at:
        return value.strip().lower()
    return f"{local.lower()}@{ascii_domain(domain)}"


def ascii_domain(domain: str) -> str:
    try:
        return idna.encode(domain.rstrip("."), uts46=True).decode("ascii").lower()
    except (idna.IDNAError, UnicodeError):
        return domain.lower()


def unicode_domain(domain: str) -> str:
    try:
        return idna.decode(domain.rstrip("."), uts46=True).lower()
    except (idna.IDNAError, UnicodeError):
        return domain.lower()


def address_spellings(value: str) -> set[str]:
    """An address with its domain both in Unicode and in punycode, in lower case: how a
    stored recipient may have been written."""
    local, at, domain = value.strip().rpartition("@")
    if not at:
        return {value.strip().lower()}
    local = local.lower()
    return {f"{local}@{ascii_domain(domain)}", f"{local}@{unicode_domain(domain)}"}
