"""Phrase finding (knowledge/phrases.py) on its own: normalising typed text, typos,
negation inside a clause, and which of two overlapping phrases is kept."""

from __future__ import annotations

from knowledge.phrases import MAX_READ, PhraseIndex, clean_text, normalise

INDEX = PhraseIndex(
    {"contract": ["contract"], "written": ["written contract"], "no": ["no"]},
    negations=["no", "never"],
)


def _found(text: str) -> list[tuple[str, bool]]:
    return [(hit.key, hit.negated) for hit in INDEX.find(text)]


def test_normalise_folds_case_accents_and_punctuation() -> None:
    assert normalise("Ștefan  ŞIRKET, Ё-моё!") == "stefan sirket е мое"


def test_an_english_word_inside_thai_is_a_word_of_its_own() -> None:
    assert normalise("มีclientบ้าง") == "มี client บ้าง"


def test_a_negation_counts_inside_its_clause_only() -> None:
    assert _found("we never sign a contract") == [("contract", True)]
    # "No, …": the no answers something else; the contract after the comma stands.
    assert ("written", False) in _found("no, we sign a written contract")


def test_the_longer_phrase_hides_the_shorter_one_inside_it_unless_they_do_not_compete() -> None:
    assert _found("a written contract") == [("written", False)]
    kept = INDEX.find("a written contract", rivals=lambda a, b: False)
    assert [h.key for h in kept] == ["written", "contract"]


def test_a_typo_of_a_long_word_is_found_but_short_words_must_match_exactly() -> None:
    [hit] = INDEX.find("a contrakt")
    assert hit.key == "contract" and hit.score < 100
    assert INDEX.find("now") == []  # "now" is no typo of "no"


def test_clean_text_bounds_the_length_and_drops_lone_surrogates() -> None:
    assert len(clean_text("x" * (MAX_READ * 3))) == MAX_READ
    assert clean_text("a\ud800b") == "ab"


def test_a_turkish_negative_is_no_typo_of_the_positive() -> None:
    # gelmiyor ("they don't come") is one letter from geliyor ("they come").
    index = PhraseIndex({"no": ["tekrar gelmiyor"]})
    assert index.find("memnun kalan tekrar geliyor") == []
    assert [h.key for h in index.find("tekrar gelmiyo")] == ["no"]  # a real typo still is
