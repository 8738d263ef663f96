"""Citations to take away: a Chicago-style note, BibTeX and CSL-JSON for works and
arguments. Pure functions over rows already fetched (works with their authors).

An argument's words come to us through a seed document, which quotes the historian;
its citations say so ("quoted in ..."), so a student never cites a page they have
not seen as if they had read it."""
import re

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


# --- Names ---------------------------------------------------------------------------


def _split(person):
    """(family, given) from 'Surname, Given'; institutions and single names have no given name."""
    if person.role == Role.OFFICIAL or "," not in person.sort_name:
        return person.name, ""
    family, given = (part.strip() for part in person.sort_name.split(",", 1))
    return family, given


def _csl_name(person):
    family, given = _split(person)
    if person.role == Role.OFFICIAL or not given:
        return {"literal": person.name}
    return {"family": family, "given": given}


def _chicago_names(people):
    names = [person.name for person in people]
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + ", and " + names[-1]


# --- Chicago notes -------------------------------------------------------------------


def work_note(work):
    """'Robert Conquest, The Great Terror (1968).' — title in italics is the template's job,
    so this returns (before, title, after) for rendering and a plain string via str.join."""
    authors = _chicago_names(work.authors.all())
    before = f"{authors}, " if authors else ""
    details = ", ".join(filter(None, [work.publisher, str(work.year) if work.year else ""]))
    after = f" ({details})." if details else "."
    return before, work.title, after


def _own_work(argument):
    """The argument's work when its historian wrote it (not, say, Lewin on Lenin's testament)."""
    work = argument.work
    if work and any(author.pk == argument.historian_id for author in work.authors.all()):
        return work
    return None


def argument_note(argument):
    """The argument's source as a note, ending with where its words were quoted."""
    quoted_in = f"quoted in {argument.source_document}, “{argument.source_section}”."
    if _own_work(argument):
        before, title, after = work_note(argument.work)
        if not before:
            before = f"{argument.historian.name}, "
        locator = f", {argument.locator}" if argument.locator else ""
        return before, title, f"{after.rstrip('.')}{locator}; {quoted_in}"
    year = f" ({argument.year})" if argument.year else ""
    return f"{argument.historian.name}{year}, ", "", quoted_in


# --- BibTeX --------------------------------------------------------------------------

_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def _bibtex_escape(text):
    return "".join(_BIBTEX_SPECIAL.get(char, char) for char in text)


def _bibtex_name(person):
    family, given = _split(person)
    if not given:
        return "{" + _bibtex_escape(person.name) + "}"  # braces keep an institution whole
    return f"{_bibtex_escape(family)}, {_bibtex_escape(given)}"


def _bibtex_key(people, year, title):
    family = _split(people[0])[0] if people else "anon"
    word = next((w for w in re.findall(r"[A-Za-z]+", title) if w.lower() not in {"the", "a", "an", "on", "of"}), "")
    return re.sub(r"[^a-z0-9]", "", f"{family}{year or ''}{word}".lower()) or "entry"


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
    title = work.title if work else argument.claim
    year = argument.year or (work.year if work else None)
    note = f"Quoted in {argument.source_document}, {argument.source_section}"
    return _bibtex_entry(
        BIBTEX_TYPES.get(work.kind, "misc") if work else "misc",
        _bibtex_key([argument.historian], year, title),
        [
            ("author", _bibtex_name(argument.historian)),
            ("title", "{" + _bibtex_escape(title) + "}"),
            ("year", str(year) if year else ""),
            ("pages", _bibtex_escape(argument.locator)),
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
    item["note"] = f"Quoted in {argument.source_document}, “{argument.source_section}”."
    return item


def bibliography_csl(arguments):
    """One item per work cited, plus one per argument that has no work."""
    items, seen = [], set()
    for argument in arguments:
        if _own_work(argument):
            if argument.work_id not in seen:
                seen.add(argument.work_id)
                items.append(work_csl(argument.work))
        else:
            items.append(argument_csl(argument))
    return items


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
    return _ris(
        [("TY", RIS_TYPES.get(work.kind, "GEN") if work else "GEN"), ("AU", _ris_name(argument.historian))]
        + [("TI", work.title if work else argument.claim), ("PY", str(year) if year else ""), ("SP", argument.locator)]
        + [("PB", work.publisher if work else ""), ("N1", f"Quoted in {argument.source_document}, “{argument.source_section}”.")]
    )


def highwire_tags(source):
    """(name, content) pairs for <meta name="citation_*">, for a Work or an Argument."""
    if isinstance(source, Work):
        work, people, year, locator = source, list(source.authors.all()), source.year, ""
    else:
        work = _own_work(source)
        people, year, locator = [source.historian], source.year or (work.year if work else None), source.locator
    tags = [("citation_title", work.title if work else source.claim)]
    tags += [("citation_author", _ris_name(person)) for person in people]
    if year:
        tags.append(("citation_publication_date", str(year)))
    if work and work.publisher:
        tags.append(("citation_publisher", work.publisher))
    if locator:
        tags.append(("citation_firstpage", locator))
    return tags
