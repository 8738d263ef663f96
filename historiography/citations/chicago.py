"""Chicago-style notes and bibliography entries, and the names and titles every citation
form shares. Pure functions over rows already fetched."""

import re

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

from ..models import Role, Source, SourceKind, Work, WorkKind

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
    if work and argument.historian_id and any(author.pk == argument.historian_id for author in work.authors.all()):
        return work
    return None


def cited_item(argument):
    """What an argument's BibTeX, CSL and RIS entry describe: the person's own Work when
    the argument comes from it (no Source) or quotes it (own words), else the Source the
    editors read. Never a title under the name of someone who did not write it."""
    if argument.source_id is None:
        return argument.work
    if argument.is_own_words and _own_work(argument):
        return argument.work
    return argument.source


def _page(locator):
    """'12' from 'p. 12', '12–15' from 'pp. 12-15'; '' for 'ch. 3', which is not a page."""
    match = re.fullmatch(r"(?:pp?\.?\s*)?(\d+(?:\s*[-–]+\s*\d+)?)", locator.strip())
    return re.sub(r"\s*[-–]+\s*", "–", match.group(1)) if match else ""


def _date(value):
    """'November 22, 2026', as Chicago writes an access date."""
    return f"{value:%B} {value.day}, {value.year}"


def _source_author(source):
    """Who a Source is by: its author, or its site standing as the author; '' for neither."""
    return source.author or source.site


def _source_title_runs(source, mark):
    """The title, in italics for a book, otherwise in quotation marks (with `mark` inside)."""
    if source.kind == SourceKind.BOOK:
        return [_Italic(source.title), mark]
    return [_quoted(source.title, "" if _closed(source.title) == source.title else mark)]


def _source_note_runs(source, section=""):
    """'rrteacher, eNotes educator, “What did …?,” eNotes, accessed November 22, 2026' (no
    closing stop): the source by its title, site, section and access date, never its key."""
    runs = [f"{source.author}, "] if source.author else []
    details = [source.site, section]
    if source.accessed:
        details.append(f"accessed {_date(source.accessed)}")
    details.append(source.url)
    details = ", ".join(filter(None, details))
    runs += _source_title_runs(source, "," if details else "")
    if details:
        runs.append(f" {details}")
    return runs


def _source_entry_runs(source):
    """'rrteacher, eNotes educator. “What did …?” eNotes. Accessed November 22, 2026.'"""
    runs = [_closed(source.author) + " "] if source.author else []
    runs += _source_title_runs(source, ".")
    details = [source.site]
    if source.published:
        details.append(_date(source.published))
    details = ", ".join(filter(None, details))
    if details:
        runs.append(f" {_closed(details)}")
    if source.accessed:
        runs.append(f" Accessed {_date(source.accessed)}.")
    if source.url:
        runs.append(f" {source.url}.")
    return runs


def whose_view(argument):
    """'Quotes Richard Pipes.', 'Reports the view of Richard Pipes.', 'Describes the view of
    the totalitarian model.': what a citation of the source says the argument is."""
    if argument.is_school_view:
        return f"Describes the view of the {argument.school.name}." if argument.school else ""
    name = argument.historian.name if argument.historian else ""
    return f"Quotes {name}." if argument.is_own_words else f"Reports the view of {name}."


def _work_with_locator_runs(argument):
    runs = _work_note_runs(argument.work)
    return [*runs, f", {argument.locator}"] if argument.locator else runs


def _note_runs(source):
    if isinstance(source, Work):
        return [*_work_note_runs(source), "."]
    if isinstance(source, Source):
        return [*_source_note_runs(source), "."]
    argument = source
    if argument.source_id is None:
        return [*_work_with_locator_runs(argument), "."] if argument.work else [f"{argument.speaker}."]
    from_source = [*_source_note_runs(argument.source, argument.section), "."]
    if argument.is_own_words:
        if _own_work(argument):
            return [*_work_with_locator_runs(argument), ", quoted in ", *from_source]
        year = f" ({argument.year})" if argument.year else ""
        return [f"{argument.historian.name}{year}, quoted in ", *from_source]
    return [*from_source, f" {whose_view(argument)}"]


def chicago_note(source):
    """A Chicago notes-bibliography footnote for a Work, a Source or an Argument, as plain text."""
    return _plain(_note_runs(source))


def chicago_note_html(source):
    """The same note as safe HTML, the title in <cite>."""
    return _html(_note_runs(source))


def _entry_runs(source):
    if isinstance(source, Work):
        return _work_entry_runs(source)
    if isinstance(source, Source):
        return _source_entry_runs(source)
    argument = source
    if argument.source_id is None:
        return _work_entry_runs(argument.work) if argument.work else [f"{argument.speaker}."]
    if not argument.is_own_words:
        return _source_entry_runs(argument.source)
    quoted_in = _source_entry_runs(argument.source)
    if quoted_in and isinstance(quoted_in[0], str) and not isinstance(quoted_in[0], _Italic):
        quoted_in = [quoted_in[0][:1].upper() + quoted_in[0][1:], *quoted_in[1:]]
    if _own_work(argument):
        return [*_work_entry_runs(argument.work), " Quoted in ", *quoted_in]
    return [f"{_closed(_inverted(argument.historian))} Quoted in ", *quoted_in]


def chicago_entry(source):
    """A Chicago bibliography entry for a Work, a Source or an Argument, as plain text."""
    return _plain(_entry_runs(source))


def chicago_entry_html(source):
    return _html(_entry_runs(source))


def bibliography_sources(arguments):
    """What a question's bibliography lists, alphabetically, each once: the works arguments
    come from, the sources the editors read (for what they report), and each quotation of
    a person's own words as quoted in its source."""
    sources, seen = [], set()
    for argument in arguments:
        if argument.source_id is None:
            item, key = argument.work, ("work", argument.work_id)
        elif argument.is_own_words:
            item, key = argument, ("quoted", chicago_entry(argument))
        else:
            item, key = argument.source, ("source", argument.source_id)
        if item is not None and key not in seen:
            seen.add(key)
            sources.append(item)
    return sorted(sources, key=lambda source: chicago_entry(source).lstrip("“‘").casefold())


def chicago_bibliography_html(arguments):
    """The bibliography as HTML entries; arguments quoted from the same place give one line."""
    entries = {chicago_entry(source): chicago_entry_html(source) for source in bibliography_sources(arguments)}
    return list(entries.values())
