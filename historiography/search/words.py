"""Reading what a student types, the same way for both databases: folded (accents, case),
stop words dropped, and the operators of web search engines (PostgreSQL's
`websearch_to_tsquery` syntax): "a phrase" in quotes, -word or -"a phrase" to leave out,
`or` between alternatives. Parsed here into a Query that each database's module turns
into its own syntax from words alone, so no input can make either database's parser fail.
"""

import re
import unicodedata
from dataclasses import dataclass, field

# Words a student's question carries that say nothing about what they look for. The same
# list on both databases (PostgreSQL's english configuration drops these too).
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just like many me more most much my no nor not of off on once only or
    other our out over own same she should so some such than that the their them then
    there these they this those through to too under until up very was we were what when
    where which while who whom why will with would you your""".split()
)
WORD = re.compile(r"\w+")
# A quoted phrase (its closing quote optional), or anything up to a space or a quote.
TOKEN = re.compile(r'(-?)"([^"]*)"?|([^\s"]+)')
# "Lenin's" is Lenin: the possessive is not a word to look for.
POSSESSIVE = re.compile(r"(\w)['’]s\b")
MAX_TERMS = 12
MAX_PHRASE = 8
MAX_LENGTH = 1000


def fold(text):
    """Lower case without accents: "Jäckel" -> "jackel" (NFKD, combining marks dropped)."""
    if text.isascii():  # most titles: nothing to decompose (a 1,000 titles' search folds them all)
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text, possessives=False):
    """The folded words of `text`, stop words kept, possessives dropped unless asked for
    (a phrase keeps them: "Lenin's Testament" is indexed as lenin, s, testament)."""
    text = text if possessives else POSSESSIVE.sub(r"\1", text)
    return [word for word in WORD.findall(fold(text)) if word.replace("_", "")]


@dataclass(frozen=True)
class Term:
    """One word, or a phrase: words that must stand together in this order."""

    words: tuple

    @property
    def phrase(self):
        return len(self.words) > 1


@dataclass
class Query:
    """What to look for: any of `groups`, each of which needs all its terms; none of
    `excluded`. "a b or c -d" is ((a and b) or c) and not d."""

    groups: list = field(default_factory=list)
    excluded: list = field(default_factory=list)

    @property
    def terms(self):
        """Every term to look for, each once, in the order typed."""
        seen = []
        for group in self.groups:
            seen += [term for term in group if term not in seen]
        return seen

    @property
    def words(self):
        """The words looked for (phrases' included, stop words not), each once: for the
        marks in snippets, the names' typo tolerance and "did you mean"."""
        seen = []
        for term in self.terms:
            seen += [word for word in term.words if word not in STOP_WORDS and word not in seen]
        return seen

    def __bool__(self):
        return bool(self.groups)


def _term(words):
    """A Term of `words` without the stop words at either end, or None when only stop
    words remain."""
    words = list(words)[:MAX_PHRASE]
    while words and words[0] in STOP_WORDS:
        words.pop(0)
    while words and words[-1] in STOP_WORDS:
        words.pop()
    return Term(tuple(words)) if words else None


def parse(text):
    """The Query of what a student typed; never fails, whatever the text."""
    query, group = Query(), []
    count = 0
    for match in TOKEN.finditer((text or "")[:MAX_LENGTH]):
        negated, quoted, bare = match.groups()
        if bare is not None:
            if bare.casefold() == "or":
                if group:
                    query.groups.append(group)
                    group = []
                continue
            negated = bare.startswith("-")
            # "1932-33" or "Soviet-era" are two words, each looked for.
            terms = [Term((word,)) for word in tokens(bare) if word not in STOP_WORDS]
        else:
            terms = [_term(tokens(quoted, possessives=True))]
        for term in terms:
            if term is None or count >= MAX_TERMS:
                continue
            if negated:
                if term not in query.excluded:
                    query.excluded.append(term)
            elif term not in group:
                group.append(term)
            count += 1
    if group:
        query.groups.append(group)
    return query


def words_of(text):
    """The words to look for in `text`: folded, without stop words, each once."""
    return parse(text).words


def spellings(word):
    """`word` and, for a British "-isation", the "-ization" that the stemmers fold
    differently ("collectivisation" is "collectivization")."""
    american = re.sub(r"isation(s?)$", r"ization\1", word)
    return [word] if american == word else [word, american]
