"""Is a passage verbatim in its source? The one place that answers it.

The leniency is that of `../shared/tools/verify_quotes.py`, which checks the fixtures: case,
runs of white space, curly or straight quote marks and the kind of dash do not count; an
ellipsis ("...", "…", "[...]") joins fragments that must stand, in order, in the text.
Surrounding quote marks on the whole passage are ignored.

Besides yes or no, it finds what an editor needs when the answer is no (the closest
sentence of the source) and what a reader needs when it is yes (where the passage stands,
to show it highlighted in its paragraph)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

ELLIPSIS = re.compile(r"\s*(?:\[\s*(?:\.\s*){3}\]|\[\s*…\s*\]|(?:\.\s*){3}|…)\s*")
TRANSLATE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
    }
)
QUOTE_MARKS = "\"'\u201c\u201d\u2018\u2019"
# A sentence, for the closest match: up to . ? ! (with any closing quote or reference
# marks such as "[102]") before white space, or to the end of its line.
SENTENCE = re.compile(r"\S.*?(?:[.?!]+(?:\[[^\]\n]{1,8}\]|[\"'\u201d\u2019)])*(?=\s)|$)", re.MULTILINE)


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(TRANSLATE)
    return re.sub(r"\s+", " ", text).strip().lower()


def fragments(quote: str) -> list[str]:
    """The normalized pieces of a quotation that an ellipsis separates."""
    quote = quote.strip().strip(QUOTE_MARKS).strip()
    parts = [normalize(part) for part in ELLIPSIS.split(quote)]
    return [part.strip(" \"'") for part in parts if part.strip(" \"'.,;:")]


@dataclass(frozen=True)
class Mapped:
    """A text normalized, with the offset in the original of each normalized character."""

    text: str
    origin: tuple[int, ...]


@lru_cache(maxsize=16)
def mapped(text: str) -> Mapped:
    """normalize(text), character by character, remembering where each came from (a source's
    text is normalized once, however many passages are checked against it)."""
    out, origin = [], []
    pending_space = False
    for at, char in enumerate(text):
        piece = unicodedata.normalize("NFKC", char).translate(TRANSLATE).lower()
        for small in piece:
            if small.isspace():
                pending_space = bool(out)
                continue
            if pending_space:
                out.append(" ")
                origin.append(at)
                pending_space = False
            out.append(small)
            origin.append(at)
    return Mapped("".join(out), tuple(origin))


def _find(document: str, parts: list[str], start: int = 0) -> list[tuple[int, int]] | None:
    """The (start, end) of each part, in order, in `document`; None when one is missing."""
    spans, at = [], start
    for part in parts:
        found = document.find(part, at)
        if found < 0:
            return None
        spans.append((found, found + len(part)))
        at = found + len(part)
    return spans


def is_verbatim(quote: str, text: str) -> bool:
    parts = fragments(quote)
    return bool(parts) and _find(mapped(text).text, parts) is not None


def spans(quote: str, text: str) -> list[tuple[int, int]] | None:
    """Where each fragment of `quote` stands in the original `text`, as (start, end)
    offsets; None when it is not verbatim there."""
    parts = fragments(quote)
    doc = mapped(text)
    found = _find(doc.text, parts) if parts else None
    if found is None:
        return None
    return [(doc.origin[start], doc.origin[end - 1] + 1) for start, end in found]


def is_quoted(words: str, text: str) -> bool:
    """True when each fragment of `words` stands inside quotation marks in `text`: after an
    opening mark within its paragraph, with a closing one after it. A single quote mark is
    also an apostrophe, so a fragment between single marks must touch both."""
    parts = fragments(words)
    if not parts:
        return False
    for paragraph in text.splitlines():
        line = mapped(paragraph).text
        if _find(line, parts) is None:
            continue
        if all(_quoted_somewhere(line, part) for part in parts):
            return True
    return False


def _quoted_somewhere(line: str, part: str) -> bool:
    at = line.find(part)
    while at >= 0:
        end = at + len(part)
        before, after = line[:at], line[end:]
        if before.count('"') % 2 == 1 and '"' in after:
            return True
        if before.rstrip().endswith("'") and after.lstrip(" .,;:!?").startswith("'"):
            return True
        at = line.find(part, at + 1)
    return False


def sentences(text: str) -> list[str]:
    return [match.group().strip() for match in SENTENCE.finditer(text) if match.group().strip()]


def closest_match(quote: str, text: str) -> str:
    """The sentence, or pair of sentences, of `text` most like `quote` (the source's own
    wording, to put beside an error); '' when the text is empty. Scored by how many of the
    quote's words it has, then by how alike the two read."""
    wanted = normalize(quote)
    wanted_words = set(re.findall(r"\w+", wanted))
    if not wanted_words:
        return ""
    candidates = sentences(text)
    windows = {}
    for size in (1, 2):  # a pair only wins when it has more of the words than either sentence
        for index in range(len(candidates) - size + 1):
            window = " ".join(candidates[index : index + size])
            windows.setdefault(normalize(window), (window, 0.1 * (size - 1)))
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(wanted)
    best, best_score = "", -1.0
    for normalized, (original, penalty) in windows.items():
        shared = len(wanted_words & set(re.findall(r"\w+", normalized))) / len(wanted_words) - penalty
        if shared + 0.3 <= best_score:
            continue
        matcher.set_seq1(normalized)
        score = shared + 0.3 * matcher.ratio()
        if score > best_score:
            best, best_score = original, score
    return best


def not_found_message(what: str, quote: str, text: str, where: str) -> str:
    """The error an editor sees: what is missing, where it was looked for, and the closest
    wording the source has."""
    closest = closest_match(quote, text)
    message = f"{what} is not verbatim in {where}."
    if closest:
        message += f" Closest match in the source: “{closest}”"
    return message


def in_context(quote: str, text: str) -> list[tuple[str, bool]] | None:
    """The paragraph(s) of `text` where `quote` stands, as (text, highlighted) runs: each
    fragment of the quote highlighted, the rest of its paragraph around it. None when the
    quote is not verbatim in the text."""
    found = spans(quote, text)
    if not found:
        return None
    start = text.rfind("\n", 0, found[0][0]) + 1
    end = text.find("\n", found[-1][1])
    end = len(text) if end < 0 else end
    runs, at = [], start
    for begin, finish in found:
        if begin > at:
            runs.append((text[at:begin], False))
        runs.append((text[begin:finish], True))
        at = finish
    if end > at:
        runs.append((text[at:end], False))
    if runs:
        runs[0] = (runs[0][0].lstrip(), runs[0][1])
        runs[-1] = (runs[-1][0].rstrip(), runs[-1][1])
    return runs
