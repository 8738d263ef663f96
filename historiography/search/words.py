"""Reading what a student types: folded (accents, case), stop words dropped, the same
words looked for on both databases."""

import re
import unicodedata

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


def fold(text):
    """Lower case without accents: "Jäckel" -> "jackel" (NFKD, combining marks dropped)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words_of(text):
    """The words to look for in `text`: folded, without stop words, each once."""
    seen = []
    for word in WORD.findall(fold(text)):
        if word not in STOP_WORDS and word not in seen and word.replace("_", ""):
            seen.append(word)
    return seen[:12]


def spellings(word):
    """`word` and, for a British "-isation", the "-ization" that the stemmers fold
    differently ("collectivisation" is "collectivization")."""
    american = re.sub(r"isation(s?)$", r"ization\1", word)
    return [word] if american == word else [word, american]
