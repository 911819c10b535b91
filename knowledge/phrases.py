"""Finding known phrases inside free text, forgiving typos, plurals and negation.

``PhraseIndex`` is built once per (knowledge, language, phrase set). ``find`` normalises
the text, maps each typed word to the known words it may be (exact, plural, or a close
spelling via rapidfuzz), then walks the phrases that start with those words. A hit is
*negated* when a negation word stands within ``NEGATION_WINDOW`` words before it.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from knowledge.schema import ThaiRules
from knowledge.thai import SPELLING_VARIANTS, THAI, ThaiWords, negation_near, unspaced

_NON_WORD = re.compile(r"[^\w\s\u0e00-\u0e7f]+")  # Thai marks are not \w
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_SCRIPT_EDGE = re.compile(
    r"(?<=[\u0e00-\u0e7f])(?=[^\W\d\u0e00-\u0e7f])|(?<=[^\W\d\u0e00-\u0e7f])(?=[\u0e00-\u0e7f])"
)
# The one clause splitter: negation does not reach across these ("yes, no exceptions"
# negates nothing of "yes"), and a question word asks at the start of its clause.
_CLAUSE = re.compile(r"[,;.!?:\n]+|\s[-–—]\s")


# Spellings that meet before matching: Turkish dotless ı, and Thai's (see thai.py).
_SPELLING_VARIANTS = {"ı": "i", **SPELLING_VARIANTS}
_SPELLINGS = re.compile("|".join(map(re.escape, _SPELLING_VARIANTS)))


def _spelling(found: re.Match[str]) -> str:
    return _SPELLING_VARIANTS[found.group(0)]


# The combining-mark blocks of Latin and Cyrillic text (accents, cedillas, breves,
# diaeresis); Thai marks are not among them — they are part of the word.
_ACCENTS = re.compile(
    "[\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
)


@lru_cache(maxsize=100_000)  # the same phrases are indexed for every language
def normalise(text: str) -> str:
    """Casefold, drop accents and punctuation, squeeze spaces.

    Accents go (ș/ş/s, ă/â/a, ё/е, İ/ı/i all meet), Thai marks stay; dotless ı becomes i
    so Turkish typed with or without its own letters matches.
    """
    # ı→i for Turkish; the Thai repetition mark ๆ is dropped ("ผสมๆกัน" ~ "ผสมกัน"), and
    # the spoken spellings of the question particle ไหม ("มั้ย", "มั๊ย") meet it.
    folded = text.casefold()
    if folded.isascii():  # most typed text: nothing to decompose, no Thai
        return " ".join(_NON_WORD.sub(" ", folded.replace("'", "")).split())
    bare = _NON_WORD.sub(" ", fold_accents(folded).replace("’", "'").replace("'", ""))
    if THAI.search(bare):
        # "มีclientบ้าง": an English word typed inside Thai is a word of its own; digits
        # stay with the Thai they are typed into ("3เดือน", like the phrases that list them).
        bare = _SCRIPT_EDGE.sub(" ", bare)
    return " ".join(bare.split())


def fold_accents(text: str) -> str:
    """Accents and cedillas dropped, Thai marks kept, the spelling variants met; case
    and punctuation left as they are (``normalise`` does the rest)."""
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", _SPELLINGS.sub(_spelling, text)))


NEGATION_WINDOW = 3
MIN_FUZZY_LEN = 4  # shorter words must match exactly: "no" is not a typo of "now"
MIN_PLURAL_STEM = 3  # two-letter words are too often other words ("nu" + s is not "nus")
STEM_LEN = 5
CACHE_SIZE = 20_000
STEM_RATIO = 0.6


# Typed text read at most: a pasted essay is not an answer, and this bounds the work per
# message.
MAX_READ = 300


def clean_text(text: str, limit: int | None = MAX_READ) -> str:
    """What is worth reading: lone surrogates dropped, and no more than ``limit`` chars."""
    return text.encode("utf-8", "ignore").decode("utf-8")[:limit]


@dataclass(frozen=True)
class Hit:
    key: str
    phrase: str
    start: int  # word index in the normalised text
    end: int
    score: float
    negated: bool
    before: str = ""  # Thai: the letters of the run before the phrase ("ให้" in "ทำเพจให้ร้าน")

    @property
    def length(self) -> int:
        return self.end - self.start


def thai_words(rules: ThaiRules) -> ThaiWords:
    """signals.yaml ``thai_rules`` normalised like the typed text they are found in."""
    fields = ThaiRules.model_fields
    return ThaiWords(**{f: tuple(normalise(w) for w in getattr(rules, f)) for f in fields})


def _negation_apart(a: str, b: str) -> bool:
    """True when two words differ only by a Turkish negative "m" (geliyor / gelmiyor,
    tanıyorum / tanımıyorum, bekliyorlar / beklemiyorlar): close in letters, opposite in
    meaning, so never a typo of each other."""
    short, long_ = sorted((a, b), key=len)
    if len(long_) - len(short) not in (1, 2):
        return False
    vowels = "aeiou"  # after normalise: ı→i, ü→u, ö→o
    for i, letter in enumerate(long_[1:-1], start=1):
        # The negative m stands before a vowel and is no doubled letter ("summer").
        if letter != "m" or long_[i - 1] == "m" or long_[i + 1] not in vowels:
            continue
        cuts = ((i, i + 1), (i, i + 2), (i - 1, i + 1))
        if any(long_[:lo] + long_[hi:] == short for lo, hi in cuts):
            return True
    return False


def _same_stem_other_ending(short: str, long_: str) -> bool:
    """Russian case endings: "разница" ~ "разницы", "клиентов" ~ "клиентами" — all but the
    last two letters of the shorter word shared. Cyrillic only: in Latin scripts the same
    rule pairs different words ("product" ~ "produce", "accounts" ~ "accountant")."""
    if not _CYRILLIC.match(short):
        return False
    shared = 0
    for a, b in zip(short, long_, strict=False):
        if a != b:
            break
        shared += 1
    return shared >= max(STEM_LEN, len(short) - 2) and len(long_) - len(short) <= 3


def words(text: str) -> list[str]:
    # Interned: the indexes of six languages hold the same words many times over, and
    # one object per word keeps them (and the cached knowledge, knowledge/cache.py) small.
    return list(map(sys.intern, normalise(text).split()))


def split_clauses(text: str) -> list[str]:
    """The clauses of a typed text, as typed (split at punctuation and dashes)."""
    return _CLAUSE.split(text)


def clause_numbers(text: str) -> list[int]:
    """For each word of ``words(text)``, the number of the clause it stands in (all 0
    when punctuation inside a word makes the split disagree with ``words``)."""
    numbers: list[int] = []
    for n, clause in enumerate(split_clauses(text)):
        numbers += [n] * len(words(clause))
    return numbers if len(numbers) == len(words(text)) else [0] * len(words(text))


class PhraseIndex:
    def __init__(
        self,
        phrases: dict[str, list[str]],
        negations: Sequence[str] = (),
        token_cutoff: float = 86.0,
        stems: bool = False,
        negation_window: int = NEGATION_WINDOW,
        thai: ThaiWords = ThaiWords(),  # noqa: B008 -- frozen, shared safely
        own_words: frozenset[str] = frozenset(),
    ) -> None:
        self.thai = thai
        # Words of the language in their own right: never a typo of another ("mult",
        # much, is no misspelt "mulți", many).
        self.own_words = own_words
        self.token_cutoff = token_cutoff
        self.negation_window = negation_window
        self.stems = stems
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        vocab: set[str] = set()
        for key, variants in phrases.items():
            for variant in variants:
                tokens = tuple(words(variant))
                if not tokens:
                    continue
                self._by_first.setdefault(tokens[0], []).append((tokens, key, variant))
                vocab.update(tokens)
        self._vocab = sorted(vocab)
        self._vocab_set = vocab
        self._by_stem: dict[str, list[str]] = {}
        for word in self._vocab:
            if len(word) >= STEM_LEN:
                self._by_stem.setdefault(sys.intern(word[:STEM_LEN]), []).append(word)
        self._negations = [tuple(words(n)) for n in negations if words(n)]
        # Phrases in scripts without spaces are looked up as substrings (longest first).
        self._unspaced = sorted(
            (
                (norm, k, v)
                for k, variants in phrases.items()
                for v in variants
                if (norm := normalise(v)) and unspaced(norm)
            ),
            key=lambda item: -len(item[0]),
        )
        self._unspaced_negations = [" ".join(n) for n in self._negations if unspaced(" ".join(n))]
        self._cache: dict[str, dict[str, float]] = {}

    def _candidates(self, token: str) -> dict[str, float]:
        """Known words this typed word may stand for, with a similarity score."""
        cached = self._cache.get(token)
        if cached is not None:
            return cached
        found = self._lookup(token)
        if len(self._cache) < CACHE_SIZE:  # typed words repeat; the cache stays bounded
            self._cache[token] = found
        return found

    def _lookup(self, token: str) -> dict[str, float]:
        found: dict[str, float] = {}
        if token in self._vocab_set:
            found[token] = 100.0
        # Plurals of real words only: Romanian "nu" is not the plural stem of "nus".
        for stem in (token[:-1], token[:-2]) if token.endswith("s") else ():
            if len(stem) >= MIN_PLURAL_STEM and stem in self._vocab_set:
                found.setdefault(stem, 99.0)
        if len(token) >= MIN_PLURAL_STEM and token + "s" in self._vocab_set:
            found.setdefault(token + "s", 99.0)
        if self.stems and len(token) >= STEM_LEN and not unspaced(token):
            # Same word, other ending: "architecture" ~ "architect", "groom" ~ "grooming".
            # Not Thai: a Thai token is a run of words, and its start is just a word.
            for word in self._by_stem.get(token[:STEM_LEN], ()):
                short, long_ = sorted((token, word), key=len)
                if long_.startswith(short) and len(short) / len(long_) >= STEM_RATIO:
                    found.setdefault(word, 90.0)
                elif _same_stem_other_ending(short, long_):
                    found.setdefault(word, 88.0)
        if not found and len(token) >= MIN_FUZZY_LEN and token not in self.own_words:
            for word, score, _ in process.extract(
                token, self._vocab, scorer=fuzz.ratio, score_cutoff=self.token_cutoff, limit=4
            ):
                if len(word) >= MIN_FUZZY_LEN and not _negation_apart(token, word):
                    found[word] = score
        return found

    def find(self, text: str, rivals: Callable[[str, str], bool] | None = None) -> list[Hit]:
        """Every phrase found, longest first; hits inside a longer hit are dropped.

        ``rivals(a, b)`` narrows the dropping to hits whose keys compete (by default all
        do): "retainer agreement" about contracts need not hide "retainer" about billing.
        """
        tokens = words(text)
        clauses = clause_numbers(text)
        options = [self._candidates(t) for t in tokens]
        hits: list[Hit] = []
        for i, first in enumerate(options):
            for word, first_score in first.items():
                for phrase_tokens, key, variant in self._by_first.get(word, ()):
                    n = len(phrase_tokens)
                    if i + n > len(tokens):
                        continue
                    scores = [first_score]
                    for k in range(1, n):
                        score = options[i + k].get(phrase_tokens[k])
                        if score is None:
                            break
                        scores.append(score)
                    else:
                        negated = self._negated(tokens, clauses, i, i + n)
                        hits.append(Hit(key, variant, i, i + n, sum(scores) / n, negated))
        hits.extend(self._unspaced_hits(tokens, clauses))
        hits.sort(key=lambda h: (-h.length, -h.score, h.start))
        kept: list[Hit] = []
        covered: dict[int, list[Hit]] = {}  # word position -> kept hits covering it
        for hit in hits:
            inside = (k for k in covered.get(hit.start, ()) if hit.end <= k.end)
            if not any(rivals is None or rivals(k.key, hit.key) for k in inside):
                kept.append(hit)
                for position in range(hit.start, hit.end):
                    covered.setdefault(position, []).append(hit)
        return kept

    def _unspaced_hits(self, tokens: list[str], clauses: list[int]) -> list[Hit]:
        """Thai phrases inside Thai words: exact substrings, negation just before them."""
        hits: list[Hit] = []
        for i, token in enumerate(tokens):
            if not self._unspaced or not unspaced(token):
                continue
            for phrase, key, variant in self._unspaced:
                at = token.find(phrase)
                while at >= 0:
                    before = token[:at]
                    # ไม่เคยลงโฆษณา: a negation a word or two before ("never ran ads").
                    negated = negation_near(before, self._unspaced_negations, self.thai) or (
                        at == 0 and self._negated(tokens, clauses, i, i + 1)
                    )
                    whole = at == 0 and len(phrase) == len(token)
                    score = 100.0 if whole else 95.0
                    hits.append(Hit(key, variant, i, i + 1, score, negated, before))
                    at = token.find(phrase, at + 1)
        return hits

    def _negated(self, tokens: list[str], clauses: list[int], start: int, end: int) -> bool:
        # "usually not": a negation word right after the phrase, ending its clause.
        if end < len(tokens) and clauses[end] == clauses[start]:
            last = end + 1 == len(tokens) or clauses[end + 1] != clauses[end]
            if last and (tokens[end],) in self._negations:
                return True
        first = start
        while first > max(0, start - self.negation_window) and clauses[first - 1] == clauses[start]:
            first -= 1
        window = tokens[first:start]
        for negation in self._negations:
            n = len(negation)
            for j in range(len(window) - n + 1):
                if tuple(window[j : j + n]) == negation:
                    return True
        return False
