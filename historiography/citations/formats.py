"""Citations for reference managers: BibTeX, CSL-JSON, RIS and the Highwire meta tags
Zotero reads, built from the same names, titles and rules as the Chicago forms."""

import re
import unicodedata

from ..models import Source, SourceKind, Work, WorkKind
from .chicago import (
    BIBTEX_TYPES,
    CSL_TYPES,
    _closed,
    _csl_name,
    _page,
    _plain,
    _source_author,
    _source_note_runs,
    _split,
    _split_particle,
    bibliography_sources,
    cited_item,
    whose_view,
)

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


def _bibtex_key(people, year, title, family=""):
    """'conquest1968great': first author's surname, year, first significant word of the title."""
    family = _split(people[0])[0] if people else (family.split(",")[0] or "anon")
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


def _literal_bibtex_name(name):
    return "{" + _bibtex_escape(name) + "}"  # braces keep "rrteacher, eNotes educator" one name


def source_bibtex(source, note=""):
    author = _source_author(source)
    year = source.published.year if source.published else None
    return _bibtex_entry(
        "misc",
        _bibtex_key([], year, source.title, family=author),
        [
            ("author", _literal_bibtex_name(author) if author else ""),
            ("title", "{" + _bibtex_escape(source.title) + "}"),
            ("howpublished", _bibtex_escape(source.site) if source.author and source.site else ""),
            ("year", str(year) if year else ""),
            ("url", source.url),
            ("urldate", source.accessed.isoformat() if source.accessed else ""),
            ("note", _bibtex_escape(note)),
        ],
    )


def _provenance(argument):
    """'Quoted in “Stalinism”, Hubbry, from Wikipedia > Relationship to Leninism, accessed
    November 22, 2026.': where a quotation of a person's work was read."""
    return "Quoted in " + _plain(_source_note_runs(argument.source, argument.section)) + "."


def _source_note(argument):
    """The note on a source's entry: the section, and whose view the passage gives."""
    return " ".join(filter(None, [_closed(argument.section) if argument.section else "", whose_view(argument)]))


def argument_bibtex(argument):
    item = cited_item(argument)
    if isinstance(item, Source):
        return source_bibtex(item, _source_note(argument))
    work = item
    people = list(work.authors.all())
    year = argument.year or work.year
    page = _page(argument.locator)
    provenance = _provenance(argument) if argument.source_id else ""
    note = " ".join(filter(None, [argument.locator + "." if argument.locator and not page else "", provenance]))
    return _bibtex_entry(
        BIBTEX_TYPES.get(work.kind, "misc"),
        _bibtex_key(people, year, work.title),
        [
            ("author", " and ".join(_bibtex_name(person) for person in people)),
            ("title", "{" + _bibtex_escape(work.title) + "}"),
            ("year", str(year) if year else ""),
            ("publisher", _bibtex_escape(work.publisher)),
            ("pages", page),
            ("url", work.url),
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


SOURCE_CSL_TYPES = {
    SourceKind.ENCYCLOPEDIA: "entry-encyclopedia",
    SourceKind.BOOK: "book",
    SourceKind.ARTICLE: "article",
    SourceKind.WEB: "webpage",
    SourceKind.QA: "webpage",
    SourceKind.PODCAST: "webpage",
}


def _date_parts(value):
    return {"date-parts": [[value.year, value.month, value.day]]}


def source_csl(source, note=""):
    item = {"id": f"source-{source.slug}", "type": SOURCE_CSL_TYPES.get(source.kind, "document"), "title": source.title}
    author = _source_author(source)
    item["author"] = [{"literal": author}] if author else []
    if source.site and source.author:
        item["container-title"] = source.site
    if source.published:
        item["issued"] = _date_parts(source.published)
    if source.accessed:
        item["accessed"] = _date_parts(source.accessed)
    if source.url:
        item["URL"] = source.url
    if note:
        item["note"] = note
    return item


def argument_csl(argument):
    item = cited_item(argument)
    if isinstance(item, Source):
        return {**source_csl(item, _source_note(argument)), "id": f"argument-{argument.slug}"}
    work = item
    item = work_csl(work)
    item["id"] = f"argument-{argument.slug}"
    if argument.year:
        item.update(_issued(argument.year))
    if argument.locator:
        item["locator"] = argument.locator
    if _page(argument.locator):
        item["page"] = _page(argument.locator)
    if argument.source_id:
        item["note"] = _provenance(argument)
    return item


def bibliography_csl(arguments):
    """A question's bibliography as CSL-JSON items: the sources of bibliography_sources()."""
    items = []
    for source in bibliography_sources(arguments):
        if isinstance(source, Work):
            items.append(work_csl(source))
        elif isinstance(source, Source):
            items.append(source_csl(source))
        else:
            items.append(argument_csl(source))
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


SOURCE_RIS_TYPES = {
    SourceKind.ENCYCLOPEDIA: "ENCYC",
    SourceKind.BOOK: "BOOK",
    SourceKind.ARTICLE: "JOUR",
    SourceKind.WEB: "ELEC",
    SourceKind.QA: "ELEC",
    SourceKind.PODCAST: "ELEC",
}


def source_ris(source, note=""):
    author = _source_author(source)
    return _ris(
        [("TY", SOURCE_RIS_TYPES.get(source.kind, "GEN")), ("AU", author), ("TI", source.title)]
        + [("PB", source.site), ("PY", str(source.published.year) if source.published else "")]
        + [("UR", source.url), ("Y2", source.accessed.isoformat() if source.accessed else ""), ("N1", note)]
    )


def argument_ris(argument):
    item = cited_item(argument)
    if isinstance(item, Source):
        return source_ris(item, _source_note(argument))
    work = item
    year = argument.year or work.year
    page = _page(argument.locator)
    provenance = _provenance(argument) if argument.source_id else ""
    note = " ".join(filter(None, [argument.locator + "." if argument.locator and not page else "", provenance]))
    return _ris(
        [("TY", RIS_TYPES.get(work.kind, "GEN"))]
        + [("AU", _ris_name(person)) for person in work.authors.all()]
        + [("TI", work.title), ("PY", str(year) if year else ""), ("SP", page)]
        + [("PB", work.publisher), ("UR", work.url), ("N1", note)]
    )


def highwire_tags(source):
    """(name, content) pairs for <meta name="citation_*">, for a Work or an Argument: the
    same item its BibTeX describes."""
    page = ""
    if not isinstance(source, Work):
        argument, source = source, cited_item(source)
        page = _page(argument.locator) if isinstance(source, Work) else ""
    if isinstance(source, Source):
        author = _source_author(source)
        tags = [("citation_title", source.title)]
        tags += [("citation_author", author)] if author else []
        if source.published:
            tags.append(("citation_publication_date", source.published.isoformat()))
        if source.site:
            tags.append(("citation_publisher", source.site))
        if source.url:
            tags.append(("citation_public_url", source.url))
        return tags
    work = source
    tags = [("citation_title", work.title)]
    tags += [("citation_author", _ris_name(person)) for person in work.authors.all()]
    if work.year:
        tags.append(("citation_publication_date", str(work.year)))
    if work.publisher:
        tags.append(("citation_publisher", work.publisher))
    if page:
        first, _, last = page.partition("–")
        tags.append(("citation_firstpage", first))
        if last:
            tags.append(("citation_lastpage", last))
    return tags
