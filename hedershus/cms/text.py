"""One normalisation of text for search, used when indexing a page and when reading a query.

The index and the query must spell a word the same way, or a visitor who types it another way
finds nothing (issue 7, item 17). Both sides therefore go through :func:`words`:

1. Unicode NFKC: compatibility forms (Arabic presentation forms, ligatures, full-width Latin,
   superscripts) become ordinary letters, and a letter typed as base + combining mark becomes
   the precomposed letter, so Swedish å, ä and ö stay letters of their own (as before: "far"
   and "får" are different words).
2. Case folding (``str.casefold``, Unicode's full folding: "Straße" and "STRASSE" agree).
3. Arabic-script letter variants, as Lucene's ``ArabicNormalizer`` and ``PersianNormalizer``
   unify them: alef with hamza above or below, with madda, and alef wasla → bare alef U+0627;
   Persian yeh U+06CC and alef maksura U+0649 → Arabic yeh U+064A; Persian keheh U+06A9 →
   Arabic kaf U+0643; teh marbuta U+0629 and heh with yeh above U+06C0 → heh U+0647. A word
   typed on a Persian keyboard thus finds the Arabic spelling, and the reverse.
4. Every decimal digit (Arabic-Indic U+0660.., Persian U+06F0.., and any other script's) →
   ASCII 0-9.
5. Combining marks (Unicode category M: Arabic tashkeel U+064B..U+065F and U+0670, and any
   mark left after step 1) and format characters (category Cf: zero-width joiner, direction
   marks, soft hyphen) are removed; so is the Arabic tatweel (U+0640), which only stretches
   a word. The zero-width non-joiner (U+200C) inside Persian words becomes a word break, as
   Lucene's Persian analyser treats it.
6. Words are the runs of letters and digits; everything else separates words, so no
   character that means something to a search engine (quotes, ``*``, ``-``, ``^``, ``:``,
   parentheses) survives to reach one (item 16).

:func:`index_text` and :func:`query_terms` then stem each word with the Snowball stemmer of
the page's language (Swedish, English and Arabic: :data:`STEMMED_LANGUAGES`), so "controls"
finds "controlling". Snowball is what PostgreSQL's own ``swedish`` and ``english`` text-search
configurations use; running it here rather than in the database gives the same words on
SQLite and PostgreSQL and lets one index hold every language. The ``snowballstemmer`` package
is the Snowball project's own Python build (pure Python, so no compiler on a self-hosted
server; it uses PyStemmer's C code by itself when that is installed).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import snowballstemmer

#: The languages whose words are stemmed, and the Snowball algorithm for each. Other
#: configured languages are normalised but not stemmed: add one here only after someone who
#: reads it has checked what its stemmer conflates.
STEMMED_LANGUAGES: dict[str, str] = {"sv": "swedish", "en": "english", "ar": "arabic"}

#: At most this many distinct words of a query are searched for (a query is at most 200
#: characters; this bounds the work one query can cause).
MAX_QUERY_TERMS = 12

#: Longer runs of letters are not words (see :func:`words`).
MAX_WORD_LENGTH = 100

_STOP_WORDS_DIR = Path(__file__).resolve().parent / "stopwords"

_LETTERS = {
    # alef forms → alef
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0622": "\u0627",  # آ
    "\u0671": "\u0627",  # ٱ
    # Persian yeh, alef maksura → Arabic yeh
    "\u06cc": "\u064a",  # ی
    "\u0649": "\u064a",  # ى
    # Persian keheh → Arabic kaf
    "\u06a9": "\u0643",  # ک
    # teh marbuta, heh with yeh above → heh
    "\u0629": "\u0647",  # ة
    "\u06c0": "\u0647",  # ۀ
    # zero-width non-joiner → a word break
    "\u200c": " ",
    # tatweel: stretches a word, means nothing
    "\u0640": None,
}


class _CharMap(dict[int, Any]):
    """``str.translate`` table that decides each code point the first time it is seen."""

    def __missing__(self, code: int) -> Any:
        char = chr(code)
        value: Any = code
        if char in _LETTERS:
            value = _LETTERS[char]
        elif unicodedata.category(char)[0] == "M" or unicodedata.category(char) == "Cf":
            value = None
        elif not char.isascii() and unicodedata.decimal(char, None) is not None:
            value = str(unicodedata.decimal(char))
        self[code] = value
        return value


_CHAR_MAP = _CharMap()
_WORD = re.compile(r"[^\W_]+")


def normalise(text: str) -> str:
    """``text`` with steps 1 to 5 of the module's normalisation applied (words not yet split)."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_CHAR_MAP)


def words(text: str) -> list[str]:
    """The normalised words of ``text`` in order: runs of letters and digits only.

    Runs longer than :data:`MAX_WORD_LENGTH` characters are dropped on both sides (no real
    word is that long, and PostgreSQL would drop a word over 2 KB from its index only).
    """
    return [word for word in _WORD.findall(normalise(text)) if len(word) <= MAX_WORD_LENGTH]


_stemmers = threading.local()  # a Snowball stemmer object keeps state while it works


@lru_cache(maxsize=100_000)
def stem(word: str, language: str | None) -> str:
    """The Snowball stem of a normalised ``word`` in ``language`` (an ISO code such as "sv").

    Languages without a stemmer, and words the stemmer would empty, come back unchanged.
    """
    algorithm = STEMMED_LANGUAGES.get(language or "")
    if algorithm is None:
        return word
    stemmers = getattr(_stemmers, "by_algorithm", None)
    if stemmers is None:
        stemmers = _stemmers.by_algorithm = {}
    if algorithm not in stemmers:
        stemmers[algorithm] = snowballstemmer.stemmer(algorithm)
    stemmed: str = stemmers[algorithm].stemWord(word)
    # The stemmer may leave a character the normalisation removes (or empty a short word).
    return "".join(_WORD.findall(normalise(stemmed))) or word


@cache
def stop_words(language: str | None) -> frozenset[str]:
    """The normalised stop words of ``language`` (``stopwords/<language>.txt``), or none."""
    path = _STOP_WORDS_DIR / f"{language}.txt"
    if not language or not language.isalpha() or not path.is_file():
        return frozenset()
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(word for line in lines if not line.startswith("#") for word in words(line))


def index_text(text: str, language: str | None) -> str:
    """What the search index stores for ``text`` written in ``language``: its normalised,
    stemmed words separated by single spaces. Stop words are kept, so a query made only of
    stop words can still match."""
    return " ".join(stem(word, language) for word in words(text))


def plain_text(text: str) -> str:
    """``text`` normalised but not stemmed, words separated by single spaces (for the
    editors' autocomplete, which matches the beginnings of words)."""
    return " ".join(words(text))


def query_terms(text: str, language: str | None) -> tuple[str, ...]:
    """The distinct stemmed words of a visitor's query in ``language``, in the order typed.

    Stop words ("my", "the", "och") are left out so that pages are ranked by the words that
    carry meaning; a query made only of stop words keeps them. At most
    :data:`MAX_QUERY_TERMS` words.
    """
    typed = words(text)
    stop = stop_words(language)
    meaningful = [word for word in typed if word not in stop] or typed
    terms = dict.fromkeys(stem(word, language) for word in meaningful)
    return tuple(terms)[:MAX_QUERY_TERMS]


def query_term_variants(text: str) -> list[tuple[str, ...]]:
    """For a query whose language is unknown (the editors' search in the CMS admin): for each
    normalised word, the word itself and its stem in every stemmed language, any of which
    may be what the index holds."""
    variants = []
    for word in dict.fromkeys(words(text)):
        forms = dict.fromkeys([word, *(stem(word, language) for language in STEMMED_LANGUAGES)])
        variants.append(tuple(forms))
    return variants[:MAX_QUERY_TERMS]
