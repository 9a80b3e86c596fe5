"""The Markdown of a branch's page, in one language, from data/*.yml alone."""

from __future__ import annotations

from sitedata.models import Branch, SiteData

NNBSP = "\u202f"

TEXT: dict[str, dict[str, str]] = {
    "title": {"fr": "DUO for a JOB {}", "nl": "DUO for a JOB {}", "en": "DUO for a JOB {}"},
    "description": {
        "fr": (
            f"L'antenne de DUO for a JOB à {{name}} ({{country}}){NNBSP}: du mentorat entre un "
            "ou une bénévole de {age} et un ou une jeune qui cherche un emploi."
        ),
        "nl": (
            "De afdeling van DUO for a JOB in {name} ({country}): een vrijwilliger van {age} "
            "begeleidt een jongere die werk zoekt."
        ),
        "en": (
            "DUO for a JOB's branch in {name} ({country}): mentoring between a volunteer "
            "{age} and a young job seeker."
        ),
    },
    "intro": {
        "fr": (
            "L'antenne de {name} a ouvert en {opened}. Elle organise les séances d'information, "
            "rencontre chaque candidat et candidate, forme les mentors et suit les duos pendant "
            "six mois."
        ),
        "nl": (
            "De afdeling in {name} opende in {opened}. Ze organiseert de infosessies, spreekt "
            "elke kandidaat persoonlijk, leidt de mentoren op en begeleidt de duo's zes maanden "
            "lang."
        ),
        "en": (
            "The {name} branch opened in {opened}. It runs the information sessions, meets "
            "every candidate, trains the mentors and follows each duo for six months."
        ),
    },
    "contact_h": {"fr": "Contact", "nl": "Contact", "en": "Contact"},
    "no_contact": {
        "fr": (
            "Cette antenne ne publie pas encore ses coordonnées. Pour vous inscrire, utilisez "
            f"le formulaire plus bas{NNBSP}: votre inscription arrive à l'antenne de {{name}}. "
            f"Pour une autre question, contactez le siège, à {{office}}{NNBSP}:"
        ),
        "nl": (
            "Deze afdeling publiceert haar contactgegevens nog niet. Schrijf je in met het "
            "formulier hieronder: je inschrijving komt terecht bij de afdeling in {name}. "
            "Voor een andere vraag neem je contact op met het hoofdkantoor in {office}:"
        ),
        "en": (
            "This branch does not publish its contact details yet. To sign up, use the form "
            "below: your application goes to the {name} branch. For any other question, "
            "contact the head office in {office}:"
        ),
    },
    "area_h": {
        "fr": f"Qui s'adresse à cette antenne{NNBSP}?",
        "nl": "Wie komt bij deze afdeling terecht?",
        "en": "Who does this branch serve?",
    },
    "area": {
        "fr": (
            f"Le formulaire vous oriente ici si vous habitez {{in_country}} et que votre code "
            f"postal est compris entre{NNBSP}: {{ranges}}. Vous pouvez aussi choisir cette "
            "antenne dans le formulaire."
        ),
        "nl": (
            "Het formulier stuurt je hierheen als je {in_country} woont en je postcode valt "
            "tussen: {ranges}. Je kunt deze afdeling ook zelf kiezen in het formulier."
        ),
        "en": (
            "The form sends you here if you live {in_country} and your postcode falls "
            "between: {ranges}. You can also choose this branch in the form."
        ),
    },
    # Where an application goes when no branch is nearer: a routing rule, not a title.
    "area_rest": {
        "fr": (
            f"Vous habitez {{in_country}} et aucune antenne ne couvre votre code postal{NNBSP}? "
            "Le formulaire vous oriente aussi vers cette antenne."
        ),
        "nl": (
            "Woon je {in_country} en valt je postcode onder geen enkele afdeling? Dan stuurt "
            "het formulier je ook naar deze afdeling."
        ),
        "en": (
            "If you live {in_country} and no branch covers your postcode, the form also sends "
            "you to this branch."
        ),
    },
    "apply_h": {"fr": "Se lancer", "nl": "Aan de slag", "en": "Get started"},
    "back": {"fr": "Toutes nos antennes", "nl": "Al onze afdelingen", "en": "All our branches"},
}


def _ranges(branch: Branch, digits: int) -> str:
    ordered = sorted(branch.postcodes, key=lambda r: r.start)
    return ", ".join(f"{r.start:0{digits}d}–{r.end:0{digits}d}" for r in ordered)


def branch_markdown(branch: Branch, site: SiteData, lang: str) -> str:
    """Front matter and body; contact details only where data has them, else the head office."""
    branches = site.branches
    country = branches.countries[branch.country]
    name, country_name = branch.name[lang], country.name[lang]
    age = site.programme.eligibility.mentor.says(lang)
    description = TEXT["description"][lang].format(name=name, country=country_name, age=age)
    lines = [
        "---",
        f'title: "{TEXT["title"][lang].format(name)}"',
        f'description: "{description}"',
        "---",
        f"# {TEXT['title'][lang].format(name)}",
        "",
        TEXT["intro"][lang].format(name=name, opened=branch.opened),
        "",
        f"## {TEXT['contact_h'][lang]}",
        "",
    ]
    if branch.address or branch.phone or branch.inbox:
        lines.append(f"{{{{ branch_contact('{branch.id}') }}}}")
    else:
        office = branches.head_office(None)
        lines += [
            TEXT["no_contact"][lang].format(name=name, office=office.name[lang]),
            "",
            f"{{{{ branch_contact('{office.id}') }}}}",
        ]
    lines += ["", f"## {TEXT['area_h'][lang]}", ""]
    if branch.postcodes:
        lines.append(
            TEXT["area"][lang].format(
                in_country=country.in_name[lang],
                ranges=_ranges(branch, country.postcode_digits),
            )
        )
    if country.head_office == branch.id:
        lines += [
            "",
            TEXT["area_rest"][lang].format(in_country=country.in_name[lang]),
        ]
    lines += [
        "",
        f"## {TEXT['apply_h'][lang]}",
        "",
        f"{{{{ cta('mentee', branch='{branch.id}') }}}} "
        f"{{{{ cta('mentor', branch='{branch.id}') }}}}",
        "",
        f"{{{{ sessions_link('{branch.id}') }}}}",
        "",
        f"[{TEXT['back'][lang]}](index.md)",
        "",
    ]
    return "\n".join(lines)
