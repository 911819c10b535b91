"""Turns a typed answer into one of a question's options, or admits it cannot.

Order of evidence, strongest first:
1. the option's number as shown ("2"), counting "Not sure" as the last option;
2. the exact label or a listed synonym, after normalising (case, accents, punctuation);
3. a close spelling of a label or synonym (rapidfuzz ``ratio``; catches "somtimes");
4. a synonym phrase contained word-for-word in a longer sentence
   ("only under contract" contains "under contract").
An opening "yes"/"no" is weighed against what follows it: "no, they do sign" says they
sign (offered for confirmation, never taken), "yes, sometimes" means sometimes; a "no"
negated in its own clause ("I wouldn't say no") is a hedge, never read as No.
Two different options scoring within ``tie_margin`` of each other are reported as
ambiguous instead of guessed, so the dialog can ask "did you mean A or B?".
Every score and margin is a rung of the score ladder (``ScoreLadder`` in classifier.yaml,
``index.scores`` here), kept in order against the take line that interpret.py reads.
A phrase is denied by a negation before it, or, in languages that say it so, after it
("к конкурентам не уходят"). A reading taken from phrases inside a sentence must clear a
stricter bar (``_cautious``): a negation no phrase accounts for, or a second answer that
would be taken too, and it is asked about instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from knowledge.model import NOT_SURE, Knowledge, languages_for, pick, with_english
from knowledge.phrases import (
    NEGATION_WINDOW,
    Hit,
    PhraseIndex,
    clause_numbers,
    normalise,
    thai_words,
    words,
)
from knowledge.schema import Option, ScoreLadder
from knowledge.thai import REACH as THAI_REACH
from knowledge.thai import unspaced

# A single typed word this long may be a few edits from a known one ("tailerd").
MIN_EDIT_LEN = 6
_NUMBER = re.compile(r"(?<![\w-])[0-9]{1,12}(?!\w)")
_DIGITS = re.compile(r"[0-9]{1,7}")
_THOUSANDS = re.compile(r"\b[0-9]{1,3}(?:[ ,.][0-9]{3})+\b")  # "1,000" / "1 000" / "1.000"
# rapidfuzz's similarity of two identical texts: a phrase typed exactly.
IDENTICAL = 100.0
STOP_QUESTIONS = 4


@dataclass(frozen=True)
class OptionMatch:
    option: str | None
    score: float
    alternatives: tuple[str, ...] = ()

    @property
    def ambiguous(self) -> bool:
        return self.option is None and len(self.alternatives) >= 2


@dataclass(frozen=True)
class OptionIndex:
    option_ids: tuple[str, ...]
    phrases: dict[str, str]  # normalised phrase -> option id
    symbols: dict[str, str]  # emoji-only synonyms ("👍") -> option id
    inside: PhraseIndex  # the same phrases, for finding them inside a sentence
    numbers: tuple[tuple[int, int, str], ...]  # (low, high, option id)
    longest_prefix: int
    mixed: str | None  # the "some of each" option, if the question has one
    negations: frozenset[str]  # single negation words ("not", "never", "dont")
    negation_phrases: tuple[tuple[str, ...], ...]  # every negation, in words ("n", "as")
    no_words: frozenset[str]  # the plain "no" of an answer ("nope", "нет"), normalised
    negating_infixes: tuple[str, ...]  # "miyor" in "istemiyoruz", normalised
    trailing: frozenset[str]  # negations after the phrase they deny ("не"), normalised
    splits: tuple[tuple[str, str], ...]  # ("some", "others"), normalised
    contrasts: tuple[tuple[str, ...], ...]  # ("but",), ("apart", "from"), normalised
    affirmations: frozenset[str]  # "yes" words, normalised
    question_words: frozenset[str]  # the words of the question itself, normalised
    durations: tuple[tuple[float, float, str], ...]  # (from days, below days, option)
    units: tuple[tuple[str, float], ...]  # ("week", 7.0), longest word first
    scores: ScoreLadder  # how surely each kind of reading is held


_EMOJI_NOISE = re.compile("[\ufe0f\u200d\U0001f3fb-\U0001f3ff]")


def _symbol_key(text: str) -> str:
    """Emoji without variation selectors and skin tones, so 👍🏽 counts as 👍."""
    return _EMOJI_NOISE.sub("", text).replace(" ", "")


def _option_phrases(option: Option, lang: str) -> list[str]:
    """Everything an owner may type for an option: labels and synonyms, the language's
    first, then English."""
    labels = [option.label[code] for code in languages_for(lang) if code in option.label]
    return labels + with_english(option.synonyms, lang)


def build_option_index(
    kb: Knowledge, question_id: str, lang: str, own_words: frozenset[str] = frozenset()
) -> OptionIndex:
    """Everything ``match_option`` reads for one question in one language; ``own_words``
    are the language's known words, never read as typos of an option's words."""
    question = kb.questions[question_id]
    phrases: dict[str, str] = {}
    symbols: dict[str, str] = {}
    ids: list[str] = []

    def add(phrase: str, option_id: str) -> None:
        norm = normalise(phrase)
        if norm:
            phrases.setdefault(norm, option_id)
        else:
            symbols.setdefault(_symbol_key(phrase), option_id)

    for option in question.options:
        ids.append(option.id)
        for phrase in _option_phrases(option, lang):
            add(phrase, option.id)
    ids.append(NOT_SURE)
    not_sure_texts = [
        pick(kb.questions_file.not_sure, lang),
        pick(kb.questions_file.skip, lang),
        *with_english(kb.questions_file.not_sure_synonyms, lang),
    ]
    for phrase in not_sure_texts:
        add(phrase, NOT_SURE)
    grouped: dict[str, list[str]] = {}
    for phrase, option_id in phrases.items():
        grouped.setdefault(option_id, []).append(phrase)
    negations = with_english(kb.signals_file.negations, lang)
    contrast = kb.signals_file.contrast_words
    numbers = tuple(
        (o.numbers[0], o.numbers[1], o.id) for o in question.options if o.numbers is not None
    )
    return OptionIndex(
        option_ids=tuple(ids),
        phrases=phrases,
        symbols=symbols,
        inside=PhraseIndex(
            grouped,
            negations,
            token_cutoff=kb.settings.token_cutoff,
            thai=thai_words(kb.signals_file.thai_rules),
            own_words=own_words,
        ),
        numbers=numbers,
        scores=kb.settings.scores,
        longest_prefix=max((len(p.split()) for p in phrases), default=1),
        mixed=next((o.id for o in question.options if o.mixed), None),
        negations=frozenset(n for n in (normalise(x) for x in negations) if " " not in n),
        negation_phrases=tuple(
            {tuple(words_): None for n in negations if (words_ := normalise(n).split())}
        ),
        no_words=frozenset(normalise(w) for w in with_english(kb.signals_file.no_words, lang)),
        negating_infixes=tuple(
            normalise(w) for w in with_english(kb.signals_file.negating_infixes, lang)
        ),
        trailing=frozenset(
            normalise(w) for w in with_english(kb.signals_file.trailing_negations, lang)
        ),
        durations=tuple((o.days[0], o.days[1], o.id) for o in question.options if o.days),
        units=tuple(
            sorted(
                {
                    normalise(word): days
                    for code in reversed(languages_for(lang))  # the language's own wins
                    for word, days in kb.signals_file.duration_units.get(code, {}).items()
                }.items(),
                key=lambda item: -len(item[0]),
            )
        ),
        question_words=frozenset(
            word
            for code in languages_for(lang)
            if code in question.text
            for word in normalise(question.text[code]).split()
        ),
        affirmations=frozenset(
            normalise(word)
            for code in languages_for(lang)
            for word in kb.text("confirm_words", code).split(",")
        ),
        contrasts=tuple(
            tuple(words_)
            for words_ in (normalise(w).split() for w in with_english(contrast, lang))
            if words_
        ),
        splits=tuple(
            (normalise(first), normalise(second))
            for first, second in (
                m.split("…") for m in with_english(kb.signals_file.split_markers, lang)
            )
        ),
    )


# Numbers as _durations reads them: "1.5" is kept whole as "1d5" (normalising would split
# it in two); "3เดือน": digits glued to Thai.
_DIGIT_RUNS = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"(?<![0-9])([0-9]{1,4})[.,]([0-9]{1,3})(?![0-9])")
_COUNT = re.compile(r"^[0-9]{1,4}(?:d[0-9]{1,3})?$")
_LEADING_NUMBER = re.compile(r"^([0-9]{1,4}(?:d[0-9]{1,3})?)(\D+)$")


def _duration_words(text: str) -> list[str]:
    return normalise(_DECIMAL.sub(r"\1d\2", text)).split()


def _count(token: str) -> float:
    return float(token.replace("d", "."))


def _durations(tokens: list[str], units: tuple[tuple[str, float], ...]) -> list[float]:
    """Days meant by "<number> <unit>" or "<unit> <number>" in ``_duration_words`` ("3-4
    days" → 3.5, "1.5 months" → 45.75; Russian "дня 3-4" puts the unit first when
    guessing)."""
    lengths = dict(units)
    found: list[float] = []
    used: set[int] = set()  # a number belongs to one unit: "luni de zile, 3-6 luni"

    def take_numbers(positions: range) -> list[float]:
        # Marks them used, so the next unit does not read them again.
        picked = [
            p for p in positions if 0 <= p < len(tokens) and p not in used and _is_count(tokens[p])
        ]
        used.update(picked)
        return [_count(tokens[p]) for p in picked]

    for i, token in enumerate(tokens):  # "3-4 days": the number first, as most write it
        glued = _LEADING_NUMBER.match(token)
        if glued:
            unit = next((u for u, _ in units if glued.group(2).startswith(u)), None)
            if unit is not None:
                found.append(_count(glued.group(1)) * lengths[unit])
        elif token in lengths and (numbers := take_numbers(range(i - 2, i))):
            found.append(sum(numbers) / len(numbers) * lengths[token])
    for i, token in enumerate(tokens):  # "дня 3-4": the unit first
        if token in lengths and (numbers := take_numbers(range(i + 1, i + 3))):
            found.append(sum(numbers) / len(numbers) * lengths[token])
    return found


def _is_count(token: str) -> bool:
    return _COUNT.match(token) is not None


def _qualified(
    tokens: list[str],
    contrasts: tuple[tuple[str, ...], ...],
    clauses: list[int],
    answered: set[int],
) -> bool:
    """An answer like "standard, but they pick the colour": a contrast word after the first
    word, with at least two words after it, in a clause that holds the answer or opening
    the clause after one. A contrast inside a remark of its own qualifies the remark:
    "çok sayıda küçük sipariş, tek tek az ama toplamda iyi" (small one by one, but good in
    total) still answers "many small"."""
    for phrase in contrasts:
        n = len(phrase)
        for at in range(1, len(tokens) - n - 1):
            if tuple(tokens[at : at + n]) != phrase:
                continue
            opens = clauses[at] != clauses[at - 1] and clauses[at - 1] in answered
            if clauses[at] in answered or opens:
                return True
    return False


def _splits_two_ways(norm: str, splits: tuple[tuple[str, str], ...]) -> bool:
    """An answer like "some stay with us, others compare prices": the first half, then the
    second half. Thai is compared without spaces, words elsewhere as whole words."""
    for first, second in splits:
        if unspaced(first):
            text, a, b = norm.replace(" ", ""), first.replace(" ", ""), second.replace(" ", "")
            after = 0
        else:  # padded with spaces to match whole words; the halves may share one
            text, a, b = f" {norm} ", f" {first} ", f" {second} "
            after = -1
        at = text.find(a)
        if at >= 0 and text.find(b, at + len(a) + after) >= 0:
            return True
    return False


def _hedged(
    tokens: list[str], clauses: list[int], at: int, phrases: tuple[tuple[str, ...], ...]
) -> bool:
    """The "no" at ``at`` follows another negation in its clause: "I wouldn't say no",
    "не то чтобы нет", "n-aș zice că nu". The same word repeated ("no no") is emphasis."""
    before = [t for t, c in zip(tokens[:at], clauses[:at], strict=True) if c == clauses[at]]
    for phrase in phrases:
        if phrase == (tokens[at],):
            continue
        n = len(phrase)
        if any(tuple(before[j : j + n]) == phrase for j in range(len(before) - n + 1)):
            return True
    return False


# A negation after a phrase denies it with at most this many words between them
# ("одинаковых заказов не бывает") and this many words after it in the clause (the verb).
TRAILING_GAP = 1
TRAILING_TAIL = 2
THAI_TRAILING_GAP = 4  # letters between a Thai phrase and its negation ("…สัญญาผมไม่รับ")
_THAI_NO_MATTER = normalise("ไม่ว่า")  # "no matter …" denies nothing


def _denied_after(
    hit: Hit, hits: list[Hit], tokens: list[str], clauses: list[int], trailing: frozenset[str]
) -> bool:
    """The phrase is denied by a negation that follows it, as Russian and Thai say it:
    "к конкурентам не уходят" (they don't leave for competitors), "ไม่มีสัญญาผมไม่รับ"
    (no contract, I don't take the job). Not when the negation denies a phrase of its own
    after it ("индивидуально не по шаблону")."""
    if not trailing:
        return False
    if unspaced(hit.phrase):  # Thai: within the same run of letters
        after = tokens[hit.start][len(hit.before) + len(normalise(hit.phrase)) :]
        near = after[: THAI_TRAILING_GAP + max(map(len, trailing))]
        near = near.replace(_THAI_NO_MATTER, " ")
        return any(0 <= near.find(n) <= THAI_TRAILING_GAP for n in trailing if unspaced(n))
    clause = clauses[hit.start]
    for at in range(hit.end, min(hit.end + TRAILING_GAP + 1, len(tokens))):
        if clauses[at] != clause:
            return False
        if tokens[at] in trailing:
            tail = clauses[at + 1 :].count(clause)
            denies_next = any(
                h.start > at and clauses[h.start] == clause and h.negated for h in hits
            )
            return 0 < tail <= TRAILING_TAIL and not denies_next
    return False


def _adds_negation(phrase: str, tokens: list[str], negations: frozenset[str]) -> bool:
    """The known phrase holds a negation word the typed text lacks."""
    return not negations.intersection(phrase.split()) <= set(tokens)


def _after_opening(text: str, head: str) -> str | None:
    """The typed text after its opening words ``head`` (normalised), or None when the
    opening cannot be cut off at a space ("no—they sign") or nothing follows it."""
    typed = text.split()
    for n in range(1, len(typed)):
        if normalise(" ".join(typed[:n])) == head:
            rest = " ".join(typed[n:])
            return rest if normalise(rest) else None
    return None


def _join_digits(found: re.Match[str]) -> str:
    return re.sub(r"[ ,.]", "", found.group(0))


def _decide(best: dict[str, float], scores: ScoreLadder) -> OptionMatch:
    """The best-scoring option; two within ``tie_margin`` of each other are asked about."""
    if not best:
        return OptionMatch(None, 0.0)
    ranked = sorted(best.items(), key=lambda kv: -kv[1])
    top_id, top_score = ranked[0]
    if len(ranked) > 1 and top_score - ranked[1][1] < scores.tie_margin:
        return OptionMatch(None, top_score, (top_id, ranked[1][0]))
    return OptionMatch(top_id, top_score)


def match_option(kb: Knowledge, question_id: str, text: str, lang: str) -> OptionMatch:
    """The option ``text`` answers at ``question_id``: each way of reading it in turn, the
    surest first, each scored on the ladder (``ScoreLadder``, classifier.yaml)."""
    index = kb.index(lang).options[question_id]
    norm = normalise(text)
    if not norm:
        return _by_symbol(index, text)
    # ASCII digits only ("፩".isdigit() is true, int() disagrees); "-1" is no option number.
    if _DIGITS.fullmatch(text.strip()) is not None:
        return _by_number(index, int(norm))
    if norm in index.phrases:
        return OptionMatch(index.phrases[norm], index.scores.exact)
    for read in (_by_spelling, _by_count, _by_duration):
        best = read(index, text, norm)
        if best:
            return _decide(best, index.scores)
    return _by_phrases_inside(kb, question_id, text, lang, index, norm)


def _by_symbol(index: OptionIndex, text: str) -> OptionMatch:
    """A message of symbols only: an emoji synonym ("👍") or nothing."""
    symbol = index.symbols.get(_symbol_key(text.strip()))
    return OptionMatch(symbol, index.scores.exact) if symbol else OptionMatch(None, 0.0)


def _by_number(index: OptionIndex, n: int) -> OptionMatch:
    """A plain number: a count where the options are ranges ("How many products?" — "3" is
    a count there, not the third button), else the option's number as shown."""
    for low, high, oid in index.numbers:
        if low <= n <= high:
            return OptionMatch(oid, index.scores.exact)
    if 1 <= n <= len(index.option_ids):
        return OptionMatch(index.option_ids[n - 1], index.scores.exact)
    return OptionMatch(None, 0.0)


def _keeps_negation(phrase: str, negated: frozenset[str]) -> bool:
    # "we never sign contracts" must not pass for "we sign contracts".
    return not negated or bool(negated.intersection(phrase.split()))


def _by_spelling(index: OptionIndex, text: str, norm: str) -> dict[str, float]:
    """The whole message spelt close to a label or synonym ("somtimes"); failing that, one
    long word a few edits from one ("tailerd")."""
    tokens = norm.split()
    best = _spelt_close(index, norm, tokens)
    # Not Thai: a run of Thai letters is a run of words, and two edits change a word
    # ("ไม่ครับ", no, is no "ไม่ทราบ", don't know).
    if not best and len(tokens) == 1 and len(norm) >= MIN_EDIT_LEN and not unspaced(norm):
        best = _one_word_typo(index, norm)
    return best


def _spelt_close(index: OptionIndex, norm: str, tokens: list[str]) -> dict[str, float]:
    """Phrases the whole message is spelt close to, scored by their similarity (at least
    the ``spelling`` rung)."""
    negated = index.negations.intersection(tokens)
    typed_digits = _DIGIT_RUNS.findall(norm)
    best: dict[str, float] = {}
    for phrase, score, _ in process.extract(
        norm, index.phrases.keys(), scorer=fuzz.ratio, score_cutoff=index.scores.spelling, limit=8
    ):
        # "12 bulan" is no typo of "2 bulan": numbers must agree (counts and durations
        # are read further down).
        digits = _DIGIT_RUNS.findall(phrase)
        if digits and digits != typed_digits:
            continue
        # Nor is "только у нас" (only us) a typo of "не только у нас" (not only us).
        if _keeps_negation(phrase, negated) and not _adds_negation(phrase, tokens, index.negations):
            oid = index.phrases[phrase]
            best[oid] = max(best.get(oid, 0.0), score)
    return best


def _one_word_typo(index: OptionIndex, norm: str) -> dict[str, float]:
    """Phrases a single typed word is a few edits from: ``typo_base`` less ``typo_step``
    per edit."""
    scores = index.scores
    best: dict[str, float] = {}
    for phrase, oid in index.phrases.items():
        edits = Levenshtein.distance(norm, phrase, score_cutoff=scores.typo_max_edits)
        if edits <= scores.typo_max_edits:
            best[oid] = max(best.get(oid, 0.0), scores.typo_base - scores.typo_step * edits)
    return best


def _by_count(index: OptionIndex, text: str, norm: str) -> dict[str, float]:
    """Counts ("like 4 or 5 services") for questions whose options are number ranges."""
    best: dict[str, float] = {}
    for found in _NUMBER.findall(_THOUSANDS.sub(_join_digits, text)):
        value = int(found)
        for low, high, oid in index.numbers:
            if low <= value <= high:
                best[oid] = max(best.get(oid, 0.0), index.scores.count)
    return best


def _by_duration(index: OptionIndex, text: str, norm: str) -> dict[str, float]:
    """Durations ("usually 3-6 mo", "дня 3-4", "3เดือน") for "how long" questions."""
    best: dict[str, float] = {}
    for days in _durations(_duration_words(text), index.units) if index.durations else ():
        for low, high, oid in index.durations:
            if low <= days < high:
                best[oid] = max(best.get(oid, 0.0), index.scores.count)
    return best


@dataclass(frozen=True)
class Opening:
    """A known answer opening the sentence: "no, once they pay they're gone"."""

    option: str
    score: float
    head: str  # its words, normalised


def _opening(index: OptionIndex, tokens: list[str], clauses: list[int]) -> Opening | None:
    """The longest known answer the sentence opens with, within its first clause: "gak,
    selalu …" (no, always …) is no "gak selalu" (not always)."""
    negated = index.negations.intersection(tokens)
    scores = index.scores
    for k in range(min(len(tokens) - 1, index.longest_prefix), 0, -1):
        head = " ".join(tokens[:k])
        first_clause = clauses[k - 1] == clauses[0]
        if head in index.phrases and _keeps_negation(head, negated) and first_clause:
            return Opening(index.phrases[head], scores.prefix_base + scores.prefix_step * k, head)
    return None


@dataclass
class Inside:
    """What the known phrases inside a sentence say, option by option."""

    best: dict[str, float] = field(default_factory=dict)  # option -> its best phrase score
    counted: dict[str, list[Hit]] = field(default_factory=dict)  # the hits each is read from
    # Hits read or denied: the negations they account for.
    explained: list[Hit] = field(default_factory=list)
    # Options named only to be denied ("не уходят к конкурентам").
    denied: set[str] = field(default_factory=set)
    answered: set[int] = field(default_factory=set)  # clauses with a hit
    hedge: str | None = None  # the option a hedged "no" ("I wouldn't say no") would be


def _read_inside(
    index: OptionIndex, text: str, tokens: list[str], clauses: list[int], opening: Opening | None
) -> Inside:
    """Known phrases inside the sentence (typos forgiven), each read, denied or passed
    over (``_passed_over``)."""
    found = Inside(answered={clauses[0]} if opening is not None else set())
    hits = index.inside.find(text)
    for hit in hits:
        phrase = normalise(hit.phrase)
        if clauses[hit.start] != clauses[hit.end - 1]:
            continue  # "gak, selalu …" (no, always …) is no "gak selalu" (not always)
        if phrase in index.no_words and not hit.before:
            if _hedged(tokens, clauses, hit.start, index.negation_phrases):
                found.hedge = hit.key
                continue
            hit = replace(hit, negated=False)  # "no no": emphatic, not a double negation
        # A negated phrase says the opposite.
        if hit.negated or _denied_after(hit, hits, tokens, clauses, index.trailing):
            found.denied.add(hit.key)
            found.explained.append(hit)
            continue
        if _passed_over(hit, phrase, tokens, clauses, index, opening):
            continue
        found.best[hit.key] = max(found.best.get(hit.key, 0.0), _inside_score(hit, index.scores))
        found.answered.add(clauses[hit.start])
        found.counted.setdefault(hit.key, []).append(hit)
        found.explained.append(hit)
    return found


def _inside_score(hit: Hit, scores: ScoreLadder) -> float:
    """Longer phrases read more surely, loosely typed ones less."""
    length = min(
        scores.inside_per_word * hit.length + len(hit.phrase) * scores.inside_per_letter,
        scores.inside_span,
    )
    return scores.inside_base + length * hit.score / IDENTICAL


def _passed_over(
    hit: Hit,
    phrase: str,
    tokens: list[str],
    clauses: list[int],
    index: OptionIndex,
    opening: Opening | None,
) -> bool:
    """A phrase inside the sentence that answers nothing there: a bare yes/no mid-clause,
    the question's own words after an opening answer, or a shrug out of place."""
    # A bare "no"/"never" is an answer only when it opens the message: inside a sentence
    # it negates something else ("no problem", "never ends"); a bare "yes" inside one is
    # filler ("abis bayar ya selesai").
    mid_clause = hit.start > 0 and hit.end < len(tokens) and clauses[hit.end] == clauses[hit.start]
    if mid_clause and (phrase in index.negations or phrase in index.affirmations):
        return True
    # After an opening "no", the question's own words are its subject, not another
    # answer: "no, what contracts — people just pay at the till".
    if opening is not None and set(phrase.split()) <= index.question_words:
        return True
    return hit.key == NOT_SURE and _misplaced_shrug(hit, tokens, clauses)


def _misplaced_shrug(hit: Hit, tokens: list[str], clauses: list[int]) -> bool:
    """A "maybe" inside a sentence is no shrug. A "not sure" must open the message, be most
    of it ("hmm not sure tbh …") or close it in a clause of its own ("never tracked that, no
    idea"); closing it means the whole clause: "остальных не знаю" (the others I don't know)
    is no shrug. And a shrug must be typed as one: "lewat iklan" (via ads) is no typo of
    "lewati" (skip); whole-message typos ("not shure") are read before."""
    shrug_ok = (
        hit.start <= 2
        or hit.length * 2 >= len(tokens)
        or (
            hit.end == len(tokens)
            and clauses[hit.start] != clauses[0]
            and clauses.count(clauses[hit.start]) == hit.length
        )
    )
    return not shrug_ok or (hit.score < IDENTICAL and not unspaced(hit.phrase))


def _both_ways(
    found: Inside,
    opening: Opening | None,
    norm: str,
    tokens: list[str],
    clauses: list[int],
    index: OptionIndex,
) -> bool:
    """ "half big accounts, half walk-ins", "both, referrals and ads": two different answers
    at once most likely mean "a mix"; so does one side plus the middle ("standard, but they
    pick the colour"), or "some …, others …". Only where the question has a mix. A reading
    after a negation in its clause that no phrase accounts for may be turned round by it
    ("made to measure, no two outfits are the same"): it is no second answer."""
    if not index.mixed:
        return False
    doubtful = {
        option
        for option, hits in found.counted.items()
        if all(_negated_from_afar(h, found.explained, tokens, clauses, index) for h in hits)
    }
    pure = {o for o in found.best if o not in (NOT_SURE, index.mixed, *doubtful)}
    if opening is not None and opening.option not in (NOT_SURE, index.mixed):
        pure.add(opening.option)
    two_ways = len(pure) >= 2 or (pure and index.mixed in found.best)
    qualified = bool(pure) and _qualified(tokens, index.contrasts, clauses, found.answered)
    return bool(two_ways or qualified or _splits_two_ways(norm, index.splits))


def _negated_from_afar(
    hit: Hit, explained: list[Hit], tokens: list[str], clauses: list[int], index: OptionIndex
) -> bool:
    """A negation before ``hit`` in its clause, too far to negate it word by word, that no
    phrase read or denied accounts for ("no two outfits are the same")."""
    before = [h for h in explained if h.start < hit.end]
    return _stray_negation(tokens[: hit.end], clauses[: hit.end], before, index, [hit])


def _by_phrases_inside(
    kb: Knowledge, question_id: str, text: str, lang: str, index: OptionIndex, norm: str
) -> OptionMatch:
    """A longer sentence: an opening answer and the known phrases inside it, weighed
    against each other; telling words (``_keyword_vote``) when no phrase is found."""
    scores = index.scores
    tokens = norm.split()
    clauses = clause_numbers(text)
    opening = _opening(index, tokens, clauses)
    found = _read_inside(index, text, tokens, clauses, opening)
    best = found.best
    if found.hedge is not None:
        # Neither "No" nor "Yes": the owner is asked (both readings offered where the
        # question has a "some of each" answer), unless other words answer.
        if opening is not None and opening.option == found.hedge:
            opening = None
        best.pop(found.hedge, None)
        if not best:
            return _hedge_choice(index, found.hedge)
    if opening is not None and opening.head in index.no_words | index.affirmations:
        opened = _opened(kb, question_id, text, lang, opening, index)
        if opened is not None:
            return opened
    if _both_ways(found, opening, norm, tokens, clauses, index):
        return OptionMatch(index.mixed, scores.mixed_guess)  # a guess, to confirm
    if opening is not None:
        floor = opening.score - scores.prefix_rival
        rivals = [o for o, score in best.items() if o != opening.option and score >= floor]
        if not rivals and opening.score >= max(best.values(), default=0.0):
            return OptionMatch(opening.option, opening.score)
        if rivals:  # "weeks or months": the opening word does not settle it
            return OptionMatch(None, opening.score, (opening.option, rivals[0]))
    if best:
        decided = _decide(best, scores)
        return _cautious(decided, best, found.counted, tokens, clauses, found.explained, index)
    if found.denied:
        # An answer named and denied says what the owner does not do; one or two stray
        # telling words are no reading of what they do: asked again.
        return OptionMatch(None, 0.0)
    return _keyword_vote(kb, question_id, text, lang)


def _cautious(
    decided: OptionMatch,
    best: dict[str, float],
    counted: dict[str, list[Hit]],
    tokens: list[str],
    clauses: list[int],
    hits: list[Hit],
    index: OptionIndex,
) -> OptionMatch:
    """A reading from phrases inside a sentence, held to a stricter bar before it is taken.

    A negation in the answer's own clause that no phrase accounts for may turn it round
    ("…, а вот договор так и не …"): asked again. An opening plain "yes"/"no" is the answer
    itself, the rest only explains it ("nah nothing on paper"); a shrug is never harmful.
    A second answer that would be taken too and scores within ``near_take``: asked which.
    """
    top = decided.option
    take = index.scores.take
    if top is None or decided.score < take:
        return decided
    won = counted.get(top, [])
    plain = index.no_words | index.affirmations
    opening = any(h.start == 0 and normalise(h.phrase) in plain for h in won)
    if top != NOT_SURE and not opening and _stray_negation(tokens, clauses, hits, index, won):
        return OptionMatch(None, 0.0)
    runner_up = max(
        ((o, score) for o, score in best.items() if o != top), key=lambda kv: kv[1], default=None
    )
    near = index.scores.near_take
    if runner_up and runner_up[1] >= take and decided.score - runner_up[1] < near:
        return OptionMatch(None, decided.score, (top, runner_up[0]))
    return decided


def _stray_negation(
    tokens: list[str], clauses: list[int], hits: list[Hit], index: OptionIndex, won: list[Hit]
) -> bool:
    """A negation in a clause of the answer's phrases that none of ``hits`` (those read or
    denied) accounts for: not inside one, not just before one (negating it), not just after
    one as a trailing negation (denying it).
    Thai negations are looked for inside the answer's run of letters the same way."""
    mine = {clauses[h.start] for h in won}
    for at, token in enumerate(tokens):
        if clauses[at] not in mine:
            continue
        if unspaced(token):  # a space parts Thai phrases: only the answer's own run counts
            if any(h.start == at for h in won) and _stray_thai_negation(at, token, hits, index):
                return True
            continue
        negation = token in index.negations or token in index.trailing
        if not negation and not any(part in token[2:] for part in index.negating_infixes):
            continue
        reach = TRAILING_GAP + 1 if token in index.trailing else 0
        near = (
            h.start - NEGATION_WINDOW <= at < h.end + reach
            for h in hits
            if clauses[h.start] == clauses[at]
        )
        if not any(near):
            return True
    return False


def _stray_thai_negation(at: int, token: str, hits: list[Hit], index: OptionIndex) -> bool:
    """A Thai negation inside the run ``token`` with no phrase of the run within reach."""
    spans = [
        (len(h.before), len(h.before) + len(normalise(h.phrase)))
        for h in hits
        if h.start == at and unspaced(h.phrase)
    ]
    for negation in (n for n in index.negations | index.trailing if unspaced(n)):
        found = token.find(negation)
        while found >= 0:
            end = found + len(negation)
            if not any(
                start - THAI_REACH <= found and end <= stop + THAI_TRAILING_GAP + len(negation)
                for start, stop in spans
            ):
                return True
            found = token.find(negation, found + 1)
    return False


def _hedge_choice(index: OptionIndex, hedged: str) -> OptionMatch:
    """After "I wouldn't say no": "did you mean Yes or Some?" where the question has both,
    otherwise nothing is read."""
    readings = (index.phrases.get(a) for a in sorted(index.affirmations))
    yes = next((o for o in readings if o not in (None, hedged)), None)
    if yes is not None and index.mixed is not None and yes != index.mixed:
        return OptionMatch(None, 0.0, (yes, index.mixed))
    return OptionMatch(None, 0.0)


def _opened(
    kb: Knowledge,
    question_id: str,
    text: str,
    lang: str,
    opening: Opening,
    index: OptionIndex,
) -> OptionMatch | None:
    """An answer opening with a plain yes or no, read together with what follows it.

    "yes, sometimes" / "no, only the big ones": the words after it name the "some of
    each" answer (or a shrug), which is taken. "no, they always sign" / "нет, подписывают":
    they name another answer, so the opening word is contradicted — the rest is offered
    for confirmation, never taken; named only by telling words ("no, they do sign"), the
    two are asked about. None when the rest agrees or says nothing.
    """
    head = opening.head
    rest = _after_opening(text, head)
    if rest is None:
        return None
    said = normalise(rest).split()
    if any(tuple(said[: len(c)]) == c for c in index.contrasts):
        return None  # "no, though the bigger jobs sign": one side, qualified — a mix
    after = match_option(kb, question_id, rest, lang)
    if after.ambiguous:
        return after
    if after.option is None or after.option == opening.option:
        return None
    softer = after.option in (NOT_SURE, index.mixed)
    if after.score < index.scores.take:
        # Only a guess (telling words, two halves): too weak to overrule the opening word
        # ("yok, genelde sorun çıkmaz" holds "sorun" of "if there is a problem"), nor to
        # read without it when no comma sets it apart ("nggak pernah tanda tangan" =
        # never signed); a contradiction after a comma is asked about.
        clauses = clause_numbers(text)
        cut = len(head.split())
        apart = clauses[cut] != clauses[cut - 1]
        if softer or not apart:
            return None
        return OptionMatch(None, after.score, (opening.option, after.option))
    if softer:
        return OptionMatch(after.option, min(after.score, opening.score))
    if head in index.no_words and _negates(said, index):
        return None  # "hayır, sözleşme istemiyoruz": the rest denies too, in its own way
    return OptionMatch(after.option, index.scores.contradicted)


def _negates(tokens: list[str], index: OptionIndex) -> bool:
    """A negation word, or a word negated from inside ("istemiyoruz")."""
    return bool(index.negations.intersection(tokens)) or any(
        part in token[2:] for token in tokens for part in index.negating_infixes
    )


def build_stop_words(kb: Knowledge, lang: str) -> frozenset[str]:
    """Words used in the options of many questions ("they", "us", "a") tell nothing."""
    seen: dict[str, set[str]] = {}
    for qid, question in kb.questions.items():
        for option in question.options:
            for phrase in _option_phrases(option, lang):
                for word in normalise(phrase).split():
                    seen.setdefault(word, set()).add(qid)
    return frozenset(w for w, questions in seen.items() if len(questions) >= STOP_QUESTIONS)


def build_keyword_index(
    kb: Knowledge, question_id: str, lang: str, stop: frozenset[str]
) -> PhraseIndex:
    """Each option's telling words: used by no other option of the question and no stop
    word (``build_stop_words``). Keys are option ids, so a hit names the option it votes
    for."""
    owners: dict[str, set[str]] = {}
    for option in kb.questions[question_id].options:
        for phrase in _option_phrases(option, lang):
            for word in normalise(phrase).split():
                if word not in stop and not word.isdigit() and len(word) > 2:
                    owners.setdefault(word, set()).add(option.id)
    telling: dict[str, list[str]] = {}
    for word, options in owners.items():
        if len(options) == 1:
            telling.setdefault(next(iter(options)), []).append(word)
    negations = with_english(kb.signals_file.negations, lang)
    return PhraseIndex(
        telling,
        negations,
        token_cutoff=kb.settings.token_cutoff,
        stems=True,
        thai=thai_words(kb.signals_file.thai_rules),
    )


def _plural_of(typed: list[str], known: list[str]) -> bool:
    """The typed words are the known ones with a plural "s" added to one of them."""
    return typed != known and [t.removesuffix("s") for t in typed] == [
        k.removesuffix("s") for k in known
    ]


def _keyword_vote(kb: Knowledge, question_id: str, text: str, lang: str) -> OptionMatch:
    """Last resort for free sentences: count each option's telling words.

    "they check prices everywhere before buying" has two words that only the "shop
    around" option uses. A clear majority is offered as a guess; a tie is asked.
    """
    tokens = normalise(text).split()
    if len(tokens) < 2:  # a lone word is a label, a synonym or nothing
        return OptionMatch(None, 0.0)
    index = kb.index(lang).options[question_id]
    asked, clauses = index.question_words, clause_numbers(text)
    hits = kb.index(lang).keywords[question_id].find(text)
    votes: dict[str, int] = {}
    explained: list[Hit] = []  # telling words denied
    voted: list[Hit] = []
    for hit in hits:
        if hit.negated or _denied_after(hit, hits, tokens, clauses, index.trailing):
            explained.append(hit)
            continue  # "к конкурентам не уходят" is no vote for shopping around
        # The question's plural, typed as it asks it, is its subject, not the option's
        # singular: "our products are good quality" at "How many products …?" says
        # nothing of "One main product".
        typed = tokens[hit.start : hit.end]
        echo = set(typed) <= asked and _plural_of(typed, words(hit.phrase))
        if not echo:
            votes[hit.key] = votes.get(hit.key, 0) + 1
            voted.append(hit)
    if not votes:
        return OptionMatch(None, 0.0)
    ranked = sorted(votes.items(), key=lambda kv: -kv[1])
    winner = [h for h in voted if h.key == ranked[0][0]]
    if _stray_negation(tokens, clauses, explained + voted, index, winner):
        return OptionMatch(None, 0.0)  # telling words and a stray negation
    if len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        return OptionMatch(None, index.scores.keyword, (ranked[0][0], ranked[1][0]))
    return OptionMatch(ranked[0][0], index.scores.keyword)
