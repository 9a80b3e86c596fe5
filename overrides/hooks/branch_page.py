"""The Markdown of a branch's page, in one language, from data/branches.yml alone."""

from __future__ import annotations

from sitedata.models import Branch, Branches

TEXT: dict[str, dict[str, str]] = {
    "title": {"fr": "DUO for a JOB {}", "nl": "DUO for a JOB {}", "en": "DUO for a JOB {}"},
    "description": {
        "fr": "L'antenne de DUO for a JOB à {name} ({country}) : mentorat entre un bénévole de plus de 50 ans et un jeune en recherche d'emploi.",
        "nl": "De afdeling van DUO for a JOB in {name} ({country}): begeleiding van een jongere die werk zoekt door een vrijwilliger van boven de 50.",
        "en": "DUO for a JOB's branch in {name} ({country}): mentoring between a volunteer over 50 and a young job seeker.",
    },
    "intro": {
        "fr": "L'antenne de {name} a ouvert en {opened}. Elle organise les séances d'information, rencontre chaque candidat et candidate, forme les mentors et suit les duos pendant six mois.",
        "nl": "De afdeling in {name} opende in {opened}. Ze organiseert de infosessies, spreekt elke kandidaat persoonlijk, vormt de mentoren en volgt de duo's zes maanden lang op.",
        "en": "The {name} branch opened in {opened}. It runs the information sessions, meets every candidate, trains the mentors and follows each duo for six months.",
    },
    "languages_h": {"fr": "Langues", "nl": "Talen", "en": "Languages"},
    "languages": {
        "fr": "L'équipe travaille en {}.",
        "nl": "Het team werkt in het {}.",
        "en": "The team works in {}.",
    },
    "contact_h": {"fr": "Contact", "nl": "Contact", "en": "Contact"},
    "no_contact": {
        "fr": "Cette antenne ne publie pas encore ses coordonnées. Le siège de {office} répond à vos questions et transmet votre demande :",
        "nl": "Deze afdeling publiceert haar contactgegevens nog niet. Het hoofdkantoor in {office} beantwoordt je vragen en stuurt je aanvraag door:",
        "en": "This branch does not publish its contact details yet. The head office in {office} answers your questions and passes your request on:",
    },
    "area_h": {"fr": "Qui s'adresse à cette antenne ?", "nl": "Wie komt bij deze afdeling terecht?", "en": "Who does this branch serve?"},
    "area": {
        "fr": "Le formulaire vous oriente ici si votre code postal ({country}) est compris entre : {ranges}. Vous pouvez aussi choisir cette antenne dans le formulaire.",
        "nl": "Het formulier stuurt je hierheen als je postcode ({country}) valt tussen: {ranges}. Je kunt deze afdeling ook zelf kiezen in het formulier.",
        "en": "The form sends you here if your postcode ({country}) falls between: {ranges}. You can also choose this branch in the form.",
    },
    "area_office": {
        "fr": "Cette antenne est aussi le siège pour {country} : elle reçoit les candidatures des codes postaux qu'aucune autre antenne ne couvre.",
        "nl": "Deze afdeling is ook het hoofdkantoor voor {country}: ze ontvangt de aanvragen uit postcodes die geen andere afdeling dekt.",
        "en": "This branch is also the head office for {country}: it receives applications from postcodes no other branch covers.",
    },
    "apply_h": {"fr": "Se lancer", "nl": "Aan de slag", "en": "Get started"},
    "back": {"fr": "Toutes nos antennes", "nl": "Al onze afdelingen", "en": "All our branches"},
}
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "fr": {"fr": "français", "nl": "néerlandais", "en": "anglais"},
    "nl": {"fr": "Frans", "nl": "Nederlands", "en": "Engels"},
    "en": {"fr": "French", "nl": "Dutch", "en": "English"},
}
AND = {"fr": " et ", "nl": " en ", "en": " and "}


def _ranges(branch: Branch, digits: int) -> str:
    return ", ".join(
        f"{r.start:0{digits}d}–{r.end:0{digits}d}" for r in sorted(branch.postcodes, key=lambda r: r.start)
    )


def branch_markdown(branch: Branch, branches: Branches, lang: str) -> str:
    """Front matter and body; contact details only where data has them, else the head office."""
    country = branches.countries[branch.country]
    name, country_name = branch.name[lang], country.name[lang]
    spoken = AND[lang].join(LANGUAGE_NAMES[lang][code] for code in branch.languages)
    lines = [
        "---",
        f'title: "{TEXT["title"][lang].format(name)}"',
        f'description: "{TEXT["description"][lang].format(name=name, country=country_name)}"',
        "---",
        f"# {TEXT['title'][lang].format(name)}",
        "",
        TEXT["intro"][lang].format(name=name, opened=branch.opened),
        "",
        f"## {TEXT['languages_h'][lang]}",
        "",
        TEXT["languages"][lang].format(spoken),
        "",
        f"## {TEXT['contact_h'][lang]}",
        "",
    ]
    if branch.address or branch.phone or branch.inbox:
        lines.append(f"{{{{ branch_contact('{branch.id}') }}}}")
    else:
        office = branches.head_office(branch.country)
        if not (office.address or office.phone or office.inbox):
            office = branches.head_office(None)
        lines += [
            TEXT["no_contact"][lang].format(office=office.name[lang]),
            "",
            f"{{{{ branch_contact('{office.id}') }}}}",
        ]
    lines += ["", f"## {TEXT['area_h'][lang]}", ""]
    if branch.postcodes:
        lines.append(
            TEXT["area"][lang].format(
                country=country_name, ranges=_ranges(branch, country.postcode_digits)
            )
        )
    if country.head_office == branch.id:
        lines += ["", TEXT["area_office"][lang].format(country=country_name)]
    lines += [
        "",
        f"## {TEXT['apply_h'][lang]}",
        "",
        f"{{{{ cta('mentor', branch='{branch.id}') }}}} "
        f"{{{{ cta('mentee', secondary=true, branch='{branch.id}') }}}}",
        "",
        f"[{TEXT['back'][lang]}](index.md)",
        "",
    ]
    return "\n".join(lines)
