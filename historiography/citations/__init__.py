"""Citations to take away: a Chicago-style note and bibliography entry, BibTeX, CSL-JSON
and RIS for works, sources and arguments. Pure functions over rows already fetched (works
with their authors, arguments with their source).

Citations name real things (README, "Content rules"). A person's own words, quoted by a
source, are cited "quoted in" that source, by its title, site, section and access date,
so a student never cites a book they have not seen as if they had read it. A reported or
a school's view is cited to the source itself, with a note saying whose view it gives:
a person is never the author of a title they did not write. An argument taken from a
person's own work cites the work."""

from .chicago import (
    bibliography_sources,
    chicago_bibliography_html,
    chicago_entry,
    chicago_entry_html,
    chicago_note,
    chicago_note_html,
    cited_item,
    whose_view,
)
from .formats import (
    argument_bibtex,
    argument_csl,
    argument_ris,
    bibliography_csl,
    highwire_tags,
    source_bibtex,
    source_csl,
    source_ris,
    work_bibtex,
    work_csl,
    work_ris,
)

__all__ = [
    "cited_item",
    "whose_view",
    "chicago_note",
    "chicago_note_html",
    "chicago_entry",
    "chicago_entry_html",
    "bibliography_sources",
    "chicago_bibliography_html",
    "work_bibtex",
    "source_bibtex",
    "argument_bibtex",
    "work_csl",
    "source_csl",
    "argument_csl",
    "bibliography_csl",
    "work_ris",
    "source_ris",
    "argument_ris",
    "highwire_tags",
]
