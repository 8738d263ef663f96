"""A question as Argdown text (https://argdown.org), for the Argdown editor and its
argument maps. Pure: takes rows already fetched.

- The question is the heading; where the scholarship stands follows as comments.
- Each position is a statement, `[Label]: summary`, tagged with its standing when the
  editors marked one, and attacking (`->`, between statements: contrary to) each later
  position: positions exclude one another without claiming that one of them must be
  right, so contrary rather than contradictory (`><`).
- Each published argument is `<Historian, year>: claim` (a school's view under the school's
  name), supporting its position (`+> [Label]`); the person's own words, or the source's
  passage said to be the source's, and the Chicago note follow as `//` comments, which the
  parser skips, so they are kept character for character, never escaped.
- Relations between arguments: rebuts is an attack (`->`), supports a support (`+>`), and
  qualifies an undercut (`_>`): a qualification leaves the other argument's conclusion
  standing but limits how far its evidence carries it, which is what Argdown's undercut
  (an attack on the inference, not the conclusion) says.

User text in titles loses the brackets that delimit them; in descriptions every
character Argdown gives a meaning (`[ ] < > # @ * _ { } / \\`) is escaped with a backslash,
so a claim cannot open a reference, a tag or a comment."""

import re

from .citations import chicago_note
from .models import RelationKind

RELATION_ARROWS = {RelationKind.REBUTS: "->", RelationKind.SUPPORTS: "+>", RelationKind.QUALIFIES: "_>"}
_SPECIAL = re.compile(r"([\\\[\]<>#@*_{}/])")
_BRACKETS = str.maketrans({"[": "(", "]": ")", "<": "(", ">": ")"})


def _line(text):
    """One line: Argdown ends an element's text at the line break."""
    return " ".join(str(text).split())


def escape(text):
    return _SPECIAL.sub(r"\\\1", _line(text))


def title(text):
    """A title Argdown can delimit: no brackets, not starting with '-' (read as an arrow)."""
    return _line(text).lstrip("-+_<> ").translate(_BRACKETS) or "Untitled"


def _unique(titles, wanted):
    candidate, n = wanted, 2
    while candidate in titles:
        candidate, n = f"{wanted} ({n})", n + 1
    titles.add(candidate)
    return candidate


def _comment(text):
    return f"// {_line(text)}" if _line(text) else "//"


def question_argdown(question, positions, arguments, relations, url=""):
    statement_titles, argument_titles = set(), set()
    position_title = {p.pk: _unique(statement_titles, title(p.label)) for p in positions}
    argument_title = {}
    for argument in arguments:
        name = argument.speaker.name
        year = f", {argument.year}" if argument.year and str(argument.year) not in name else ""
        argument_title[argument.pk] = _unique(argument_titles, title(f"{name}{year}"))
    outgoing = {}
    for relation in relations:
        if relation.source_id in argument_title and relation.target_id in argument_title:
            outgoing.setdefault(relation.source_id, []).append(relation)

    lines = [_comment(f"Debates in History: {question.title}")]
    if url:
        lines.append(_comment(f"From {url} (words and passages are verbatim from the sources named)."))
    lines += ["", f"# {escape(question.title)}", ""]
    lines.append(_comment("Where the scholarship stands: " + "".join(question.standing_statement())))
    if question.standing_source:
        source = question.standing_source.display_name
        lines.append(_comment(f"As {source} puts it ({question.standing_section}): {question.standing_passage}"))
    lines.append("")

    for position in positions:
        tag = f" #({position.get_standing_display().lower()})" if position.standing else ""
        lines.append(f"[{position_title[position.pk]}]: {escape(position.summary or position.label)}{tag}")
        if position.standing_note:
            lines.append("  " + _comment(f"{position.get_standing_display()}: {position.standing_note}"))
        lines.append("")
    if len(positions) > 1:
        lines.append(_comment("The positions of a question are contrary to one another."))
        for index, first in enumerate(positions[:-1]):
            lines.append(f"[{position_title[first.pk]}]")
            lines += [f"  -> [{position_title[second.pk]}]" for second in positions[index + 1 :]]
            lines.append("")

    for argument in arguments:
        lines.append(f"<{argument_title[argument.pk]}>: {escape(argument.claim)}")
        if argument.is_own_words:
            lines.append("  " + _comment(f"In {argument.historian.name}'s words: {argument.words}"))
        elif argument.passage and argument.source:
            lines.append("  " + _comment(f"As {argument.source.display_name} puts it: {argument.passage}"))
        lines.append("  " + _comment(f"Cite: {chicago_note(argument)}"))
        lines.append(f"  +> [{position_title[argument.position_id]}]")
        for relation in outgoing.get(argument.pk, []):
            lines.append(f"  {RELATION_ARROWS[relation.kind]} <{argument_title[relation.target_id]}>")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
