"""Citations to take away: a Chicago-style note and bibliography entry, BibTeX and CSL-JSON
for works and arguments. Pure functions over rows already fetched (works with their authors).

An argument's words come to us through a seed document, which quotes the historian;
its citations say so ("quoted in ..."), so a student never cites a page they have
not seen as if they had read it."""

import re
import unicodedata

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from .models import Role, Work, WorkKind

CSL_TYPES = {
    WorkKind.BOOK: "book",
    WorkKind.ARTICLE: "article-journal",
    WorkKind.CHAPTER: "chapter",
    WorkKind.SPEECH: "speech",
    WorkKind.INTERVIEW: "interview",
    WorkKind.REPORT: "report",
    WorkKind.DOCUMENT: "document",
    WorkKind.WEB: "webpage",
}
BIBTEX_TYPES = {WorkKind.BOOK: "book", WorkKind.ARTICLE: "article", WorkKind.CHAPTER: "incollection"}
# Chicago sets the titles of whole publications in italics and the titles of parts
# (articles, chapters) and of unpublished pieces (speeches, documents) in quotation marks.
ITALIC_TITLE_KINDS = {WorkKind.BOOK, WorkKind.REPORT}
# Said in a note's parentheses, as Chicago does for a speech: (speech, 1956).
DESCRIBED_KINDS = {WorkKind.SPEECH: "speech", WorkKind.INTERVIEW: "interview"}
# Lower-case particles that a sort name such as "Ree, Erik van" leaves after the given name.
PARTICLES = {"da", "de", "del", "della", "der", "di", "du", "la", "le", "ten", "ter", "van", "von", "zu"}


# --- Names ---------------------------------------------------------------------------


def _split(person):
    """(family, given) from 'Surname, Given'; institutions and single names have no given name."""
    if person.role == Role.OFFICIAL or "," not in person.sort_name:
        return person.name, ""
    family, given = (part.strip() for part in person.sort_name.split(",", 1))
    return family, given


def _split_particle(given):
    """('Erik', 'van') from 'Erik van'."""
    words = given.split()
    particle = []
    while len(words) > 1 and words[-1] in PARTICLES:
        particle.insert(0, words.pop())
    return " ".join(words), " ".join(particle)


def _csl_name(person):
    family, given = _split(person)
    if not given:
        return {"literal": person.name}
    given, particle = _split_particle(given)
    name = {"family": family, "given": given}
    if particle:
        name["non-dropping-particle"] = particle
    return name


# --- Chicago notes and bibliography entries ------------------------------------------
# Built as runs of text, the italic ones marked, so one function gives both the plain
# text (to copy) and the HTML (titles in <cite>, everything escaped).


class _Italic(str):
    pass


def _plain(runs):
    return "".join(runs)


def _html(runs):
    return mark_safe(
        "".join(
            format_html("<cite>{}</cite>", run) if isinstance(run, _Italic) else conditional_escape(run) for run in runs
        )
    )


def _closed(text, mark="."):
    """`text` ending with `mark`, unless it already ends a sentence ('What Is to Be Done?')."""
    return text if text.endswith((".", "?", "!")) else text + mark


def _quoted(text, mark=""):
    """“text,” with `mark` inside the closing quotation mark (as Chicago has it) and the
    text's own double quotation marks turned single: “On the Cult … (‘Secret Speech’).”"""
    return "“" + re.sub(r'"([^"]*)"', r"‘\1’", text) + mark + "”"


def _note_names(people):
    """'A', 'A and B', 'A, B, and C'; four or more: 'A et al.' (Chicago 14.76)."""
    names = [person.name for person in people]
    if len(names) > 3:
        return f"{names[0]} et al."
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _inverted(person):
    family, given = _split(person)
    return f"{family}, {given}" if given else person.name


def _bibliography_names(people):
    """'Friedrich, Carl, and Zbigniew Brzezinski': the first name inverted, for sorting."""
    names = [_inverted(people[0])] + [person.name for person in people[1:]] if people else []
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return f"{names[0]}, and {names[1]}"
    return ", ".join(names[:-1]) + ", and " + names[-1]


def _work_note_runs(work):
    """'Robert Conquest, *The Great Terror* (Macmillan, 1968)' without the closing stop."""
    names = _note_names(work.authors.all())
    runs = [f"{names}, "] if names else []
    year = str(work.year) if work.year else ""
    if work.kind in ITALIC_TITLE_KINDS:
        runs.append(_Italic(work.title))
        details = [work.publisher, year]
    elif work.kind == WorkKind.ARTICLE and work.publisher:
        runs += [_quoted(work.title, "" if _closed(work.title) == work.title else ",") + " ", _Italic(work.publisher)]
        details = [year]
    else:
        runs.append(_quoted(work.title))
        details = [DESCRIBED_KINDS.get(work.kind, ""), work.publisher, year]
    details = ", ".join(filter(None, details))
    if details:
        runs.append(f" ({details})")
    if work.kind == WorkKind.WEB and work.url:
        runs.append(f", {work.url}")
    return runs


def _work_entry_runs(work):
    """'Conquest, Robert. *The Great Terror*. Macmillan, 1968.'"""
    names = _bibliography_names(list(work.authors.all()))
    runs = [_closed(names) + " "] if names else []
    year = str(work.year) if work.year else ""
    if work.kind in ITALIC_TITLE_KINDS:
        runs += [_Italic(work.title), "" if _closed(work.title) == work.title else "."]
        details = [work.publisher, year]
    elif work.kind == WorkKind.ARTICLE and work.publisher:
        runs += [_quoted(_closed(work.title)) + " ", _Italic(work.publisher)]
        details = [year]
        if year:
            runs.append(",")
    else:
        runs.append(_quoted(_closed(work.title)))
        details = [DESCRIBED_KINDS.get(work.kind, "").capitalize(), work.publisher, year]
    details = ", ".join(filter(None, details))
    if details:
        runs.append(f" {details}.")
    elif work.kind == WorkKind.ARTICLE and work.publisher:
        runs.append(".")
    if work.kind == WorkKind.WEB and work.url:
        runs.append(f" {work.url}.")
    return runs


def _own_work(argument):
    """The argument's work when its historian wrote it (not, say, Lewin on Lenin's testament)."""
    work = argument.work
    if work and any(author.pk == argument.historian_id for author in work.authors.all()):
        return work
    return None


def _argument_people(argument):
    """Whom an argument is cited to: the authors of its work when its historian is one of
    them (Friedrich and Brzezinski together), otherwise the historian alone."""
    return list(argument.work.authors.all()) if _own_work(argument) else [argument.historian]


def _page(locator):
    """'12' from 'p. 12', '12–15' from 'pp. 12-15'; '' for 'ch. 3', which is not a page."""
    match = re.fullmatch(r"(?:pp?\.?\s*)?(\d+(?:\s*[-–]+\s*\d+)?)", locator.strip())
    return re.sub(r"\s*[-–]+\s*", "–", match.group(1)) if match else ""


def _quoted_in(argument):
    return f"quoted in {argument.source_document}, {_quoted(_closed(argument.source_section))}"


def _note_runs(source):
    if isinstance(source, Work):
        return [*_work_note_runs(source), "."]
    argument = source
    if _own_work(argument):
        runs = _work_note_runs(argument.work)
        locator = f", {argument.locator}" if argument.locator else ""
        return [*runs, f"{locator}; {_quoted_in(argument)}"]
    year = f" ({argument.year})" if argument.year else ""
    return [f"{argument.historian.name}{year}, {_quoted_in(argument)}"]


def chicago_note(source):
    """A Chicago notes-bibliography footnote for a Work or an Argument, as plain text."""
    return _plain(_note_runs(source))


def chicago_note_html(source):
    """The same note as safe HTML, the title in <cite>."""
    return _html(_note_runs(source))


def _entry_runs(source):
    if isinstance(source, Work):
        return _work_entry_runs(source)
    if _own_work(source):
        return _work_entry_runs(source.work)
    quoted_in = _quoted_in(source)
    return [f"{_closed(_inverted(source.historian))} {quoted_in[0].upper()}{quoted_in[1:]}"]


def chicago_entry(source):
    """A Chicago bibliography entry for a Work or an Argument, as plain text."""
    return _plain(_entry_runs(source))


def chicago_entry_html(source):
    return _html(_entry_runs(source))


def bibliography_sources(arguments):
    """What a question's bibliography lists, alphabetically: each work an argument's
    historian wrote, once, and each other argument on its own (cited as quoted in its
    seed document)."""
    sources, seen = [], set()
    for argument in arguments:
        if _own_work(argument):
            if argument.work_id not in seen:
                seen.add(argument.work_id)
                sources.append(argument.work)
        else:
            sources.append(argument)
    return sorted(sources, key=lambda source: chicago_entry(source).lstrip("“‘").casefold())


def chicago_bibliography_html(arguments):
    """The bibliography as HTML entries; arguments quoted from the same place give one line."""
    entries = {chicago_entry(source): chicago_entry_html(source) for source in bibliography_sources(arguments)}
    return list(entries.values())


# --- BibTeX --------------------------------------------------------------------------

_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _bibtex_escape(text):
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in text)


def _bibtex_name(person):
    """'Conquest, Robert'; 'van Ree, Erik' (BibTeX's von part); an institution in braces."""
    family, given = _split(person)
    if not given:
        return "{" + _bibtex_escape(person.name) + "}"  # braces keep an institution whole
    given, particle = _split_particle(given)
    family = f"{particle} {family}" if particle else family
    return f"{_bibtex_escape(family)}, {_bibtex_escape(given)}"


def _ascii(text):
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _bibtex_key(people, year, title):
    """'conquest1968great': first author's surname, year, first significant word of the title."""
    family = _split(people[0])[0] if people else "anon"
    word = next(
        (w for w in re.findall(r"[A-Za-z]+", _ascii(title)) if w.lower() not in {"the", "a", "an", "on", "of"}), ""
    )
    return re.sub(r"[^a-z0-9]", "", _ascii(f"{family}{year or ''}{word}").lower()) or "entry"


def _bibtex_entry(kind, key, fields):
    lines = [f"@{kind}{{{key},"]
    lines += [f"  {name} = {{{value}}}," for name, value in fields if value]
    lines.append("}")
    return "\n".join(lines) + "\n"


def work_bibtex(work):
    authors = list(work.authors.all())
    return _bibtex_entry(
        BIBTEX_TYPES.get(work.kind, "misc"),
        _bibtex_key(authors, work.year, work.title),
        [
            ("author", " and ".join(_bibtex_name(author) for author in authors)),
            ("title", "{" + _bibtex_escape(work.title) + "}"),
            ("year", str(work.year) if work.year else ""),
            ("publisher", _bibtex_escape(work.publisher)),
            ("url", work.url),
        ],
    )


def argument_bibtex(argument):
    work = _own_work(argument)
    people = _argument_people(argument)
    title = work.title if work else argument.claim
    year = argument.year or (work.year if work else None)
    page = _page(argument.locator)
    provenance = f"Quoted in {argument.source_document}, {argument.source_section}"
    note = provenance if page or not argument.locator else f"{argument.locator}. {provenance}"
    return _bibtex_entry(
        BIBTEX_TYPES.get(work.kind, "misc") if work else "misc",
        _bibtex_key(people, year, title),
        [
            ("author", " and ".join(_bibtex_name(person) for person in people)),
            ("title", "{" + _bibtex_escape(title) + "}"),
            ("year", str(year) if year else ""),
            ("publisher", _bibtex_escape(work.publisher) if work else ""),
            ("pages", page),
            ("url", work.url if work else ""),
            ("note", _bibtex_escape(note)),
        ],
    )


# --- CSL-JSON ------------------------------------------------------------------------


def _issued(year):
    return {"issued": {"date-parts": [[year]]}} if year else {}


def work_csl(work):
    item = {
        "id": f"work-{work.slug}",
        "type": CSL_TYPES.get(work.kind, "document"),
        "title": work.title,
        "author": [_csl_name(author) for author in work.authors.all()],
        **_issued(work.year),
    }
    if work.publisher:
        item["publisher"] = work.publisher
    if work.url:
        item["URL"] = work.url
    return item


def argument_csl(argument):
    work = _own_work(argument)
    item = work_csl(work) if work else {"type": "document", "title": argument.claim, **_issued(argument.year)}
    item["id"] = f"argument-{argument.slug}"
    item["author"] = item.get("author") or [_csl_name(argument.historian)]
    if argument.year:
        item.update(_issued(argument.year))
    if argument.locator:
        item["locator"] = argument.locator
    if _page(argument.locator):
        item["page"] = _page(argument.locator)
    item["note"] = f"Quoted in {argument.source_document}, “{argument.source_section}”."
    return item


def bibliography_csl(arguments):
    """A question's bibliography as CSL-JSON items: the sources of bibliography_sources()."""
    return [
        work_csl(source) if isinstance(source, Work) else argument_csl(source)
        for source in bibliography_sources(arguments)
    ]


# --- RIS and Highwire meta tags (what Zotero and other reference managers read) ---------

RIS_TYPES = {
    WorkKind.BOOK: "BOOK",
    WorkKind.ARTICLE: "JOUR",
    WorkKind.CHAPTER: "CHAP",
    WorkKind.SPEECH: "GEN",
    WorkKind.INTERVIEW: "PCOMM",
    WorkKind.REPORT: "RPRT",
    WorkKind.DOCUMENT: "GEN",
    WorkKind.WEB: "ELEC",
}


def _ris_name(person):
    family, given = _split(person)
    return f"{family}, {given}" if given else person.name


def _ris(lines):
    body = "".join(f"{tag}  - {value}\n" for tag, value in lines if value)
    return body + "ER  - \n"


def work_ris(work):
    return _ris(
        [("TY", RIS_TYPES.get(work.kind, "GEN"))]
        + [("AU", _ris_name(author)) for author in work.authors.all()]
        + [("TI", work.title), ("PY", str(work.year) if work.year else ""), ("PB", work.publisher), ("UR", work.url)]
    )


def argument_ris(argument):
    work = _own_work(argument)
    year = argument.year or (work.year if work else None)
    page = _page(argument.locator)
    provenance = f"Quoted in {argument.source_document}, “{argument.source_section}”."
    return _ris(
        [("TY", RIS_TYPES.get(work.kind, "GEN") if work else "GEN")]
        + [("AU", _ris_name(person)) for person in _argument_people(argument)]
        + [("TI", work.title if work else argument.claim), ("PY", str(year) if year else ""), ("SP", page)]
        + [("PB", work.publisher if work else ""), ("UR", work.url if work else "")]
        + [("N1", provenance if page or not argument.locator else f"{argument.locator}. {provenance}")]
    )


def highwire_tags(source):
    """(name, content) pairs for <meta name="citation_*">, for a Work or an Argument."""
    if isinstance(source, Work):
        work, people, year, page = source, list(source.authors.all()), source.year, ""
    else:
        work = _own_work(source)
        people, year, page = (
            _argument_people(source),
            source.year or (work.year if work else None),
            _page(source.locator),
        )
    tags = [("citation_title", work.title if work else source.claim)]
    tags += [("citation_author", _ris_name(person)) for person in people]
    if year:
        tags.append(("citation_publication_date", str(year)))
    if work and work.publisher:
        tags.append(("citation_publisher", work.publisher))
    if page:
        first, _, last = page.partition("–")
        tags.append(("citation_firstpage", first))
        if last:
            tags.append(("citation_lastpage", last))
    return tags
