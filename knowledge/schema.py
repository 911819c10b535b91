"""Pydantic models for every knowledge file in ``knowledge/data/``.

Each YAML file has one root model here (``ModelsFile``, ``QuestionsFile`` …). Field
constraints (ranges, id patterns) live on the models so a bad file fails at load time
with the field path named; references *between* files are checked in ``loader.py``.

Every user-facing string is a ``Text``: a mapping language code → sentence. English is
required; the other languages are filled in as they are translated.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

DEFAULT_LANG = "en"

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)]
LangCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ModelId = Literal["client", "customer", "hybrid"]


def _has_default_lang(value: dict[str, object]) -> dict[str, object]:
    if DEFAULT_LANG not in value:
        raise ValueError(f"missing the '{DEFAULT_LANG}' text")
    return value


Text = Annotated[dict[LangCode, NonEmpty], AfterValidator(_has_default_lang)]
TextList = Annotated[dict[LangCode, list[NonEmpty]], AfterValidator(_has_default_lang)]


# Defaults for optional word lists: the English key present (the validators require it),
# no words. Named functions, not lambdas, so the empty list has a type.
def _no_words() -> dict[str, list[str]]:
    return {DEFAULT_LANG: []}


def _no_units() -> dict[str, dict[str, float]]:
    return {DEFAULT_LANG: {}}


# A condition on the owner's answers: question id -> option ids, all questions must match.
AnswerCondition = dict[Id, list[Id]]


class Strict(BaseModel):
    """Unknown keys are typos in a hand-written file: reject them."""

    # defer_build: the validators are built when a file is first validated, not at
    # import. A start that takes the knowledge from the cache (knowledge/cache.py)
    # validates nothing and so never pays for them (about 35 ms).
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# --- models.yaml -----------------------------------------------------------------


class BusinessModel(Strict):
    id: ModelId
    name: Text
    headline: Text
    definition: Text


class GlossaryTerm(Strict):
    term: Text
    meaning: Text


class Glossary(Strict):
    client: GlossaryTerm
    customer: GlossaryTerm


class ModelsFile(Strict):
    languages: dict[LangCode, NonEmpty] = Field(min_length=1)
    models: list[BusinessModel] = Field(min_length=3, max_length=3)
    glossary: Glossary


# --- questions.yaml ----------------------------------------------------------------


class Dimension(Strict):
    id: Id
    name: Text
    client_side: Text
    customer_side: Text
    # 0 means "asked for the tactics, not used to classify" (e.g. product range).
    weight: float = Field(ge=0, le=5)


class Option(Strict):
    id: Id
    label: Text
    # A business that would give this answer, shown when the owner asks what the question
    # means ("a café: people pay and go").
    example: Text | None = None
    # -1 = points to customers, +1 = points to clients.
    lean: float = Field(ge=-1, le=1)
    # True when the answer says both kinds of buyer exist side by side ("sometimes").
    mixed: bool = False
    why: Text
    synonyms: TextList = Field(default_factory=_no_words)
    # For count questions: a number typed inside a sentence in this range picks the option.
    numbers: tuple[int, int] | None = None
    # For "how long" questions: a typed duration ("3-4 days", "6 mo") of at least the first
    # and under the second number of days picks the option (units in signals.yaml).
    days: tuple[float, float] | None = None

    @field_validator("days")
    @classmethod
    def _range_of_days(cls, days: tuple[float, float] | None) -> tuple[float, float] | None:
        if days is not None and not 0 <= days[0] < days[1]:
            raise ValueError("days must be [from, below] with 0 <= from < below (.inf for no end)")
        return days


class Question(Strict):
    id: Id
    kind: Literal["choice", "text"] = "choice"
    dimension: Id | None = None
    text: Text
    hint: Text | None = None
    # What the question means and why it matters for the verdict: the reply to "what do
    # you mean?" typed at it (knowledge/explain.py), with each option's ``example``.
    explain: Text
    options: list[Option] = Field(default_factory=list)

    @model_validator(mode="after")
    def _every_option_has_an_example(self) -> Question:
        lacking = [o.id for o in self.options if o.example is None]
        if lacking:
            raise ValueError(f"options without an example: {', '.join(lacking)}")
        return self


class QuestionsFile(Strict):
    not_sure: Text
    skip: Text
    not_sure_synonyms: TextList
    dimensions: list[Dimension] = Field(min_length=9)
    questions: list[Question] = Field(min_length=9)


# --- businesses.yaml ------------------------------------------------------------------


class Family(Strict):
    """A trade family ("food and drink", "shops" …): tactics name families they fit, need
    or do not suit, and carry first steps worded for a family's trade."""

    id: Id
    # What kind of businesses belong here (for whoever edits the file; never shown).
    note: NonEmpty


class Business(Strict):
    id: Id
    name: Text
    model: ModelId
    # The trade family (BusinessesFile.families id).
    family: Id
    synonyms: TextList = Field(default_factory=_no_words)
    from_seeds: bool = False
    # A catch-all ("a shop or stall", "a professional service") matched only when no
    # specific business type is named.
    generic: bool = False
    # How an owner of this business typically answers: question id -> option id.
    typical: dict[Id, Id] = Field(default_factory=dict)


class BusinessesFile(Strict):
    families: list[Family] = Field(min_length=1)
    businesses: list[Business] = Field(min_length=1)


# --- tactics.yaml --------------------------------------------------------------------


class Relevance(Strict):
    when: AnswerCondition = Field(min_length=1)
    boost: int = Field(ge=1, le=5)


class Condition(Strict):
    """A trade family (any of ``families``) and/or answers (all of ``answers``)."""

    families: list[Id] = Field(default_factory=list)
    answers: AnswerCondition = Field(default_factory=dict)

    @field_validator("answers")
    @classmethod
    def _no_empty_lists(cls, answers: dict[str, list[str]]) -> dict[str, list[str]]:
        for qid, options in answers.items():
            if not options:
                raise ValueError(f"'{qid}' lists no options")
        return answers

    @model_validator(mode="after")
    def _says_something(self) -> Condition:
        if not self.families and not self.answers:
            raise ValueError("a condition needs families, answers or both")
        return self


class Tactic(Strict):
    id: Id
    title: Text
    why: Text
    first_step: Text
    goal: Literal["keep_clients", "convert", "repeat_customers"]
    models: list[ModelId] = Field(min_length=1)
    relevant_when: list[Relevance] = Field(min_length=1)
    # Hard limits: recommended only where ``requires`` holds (a family outside its list,
    # or an answer given outside its options, rules it out; unanswered questions and an
    # unknown trade do not) and no ``unless`` condition matches the owner.
    requires: Condition | None = None
    unless: list[Condition] = Field(default_factory=list)
    # Families it suits especially well: ranked higher there (family_fit_points).
    fits: list[Id] = Field(default_factory=list)
    # The first step worded for one family's trade, with an example from it; families
    # without one get ``first_step``.
    first_step_for: dict[Id, Text] = Field(default_factory=dict)


class Advice(Strict):
    """A situation that changes the plan, e.g. a one-product store should not convert."""

    id: Id
    models: list[ModelId] = Field(min_length=1)
    when: AnswerCondition = Field(min_length=1)
    text: Text
    prefer: list[Id] = Field(default_factory=list)
    avoid: list[Id] = Field(default_factory=list)


class TacticsFile(Strict):
    tactics: list[Tactic] = Field(min_length=15)
    advice: list[Advice] = Field(default_factory=list)


# --- faq.yaml -----------------------------------------------------------------------


class FaqEntry(Strict):
    id: Id
    questions: TextList
    answer: Text
    # Word groups per language: the topic fits a text that has a word from every group.
    cues: dict[LangCode, list[list[NonEmpty]]] = Field(default_factory=dict)
    # Topics this one beats when both fit by cue words: it is the narrower question
    # ("must every business turn customers into clients?" is not "how to turn them").
    outranks: list[Id] = Field(default_factory=list)


class FaqFile(Strict):
    faq: list[FaqEntry] = Field(min_length=1)


# --- signals.yaml ----------------------------------------------------------------------


class Signal(Strict):
    id: Id
    question: Id
    option: Id
    # Option suggested instead when a negation word precedes the phrase.
    negated: Id | None = None
    label: Text
    phrases: TextList


def _split_in_two(markers: dict[str, list[str]]) -> dict[str, list[str]]:
    for lang, texts in markers.items():
        for text in texts:
            if text.count("…") != 1 or not all(part.strip() for part in text.split("…")):
                raise ValueError(f"{lang}: '{text}' must read 'first … second'")
    return markers


class ThaiRules(Strict):
    """The words that decide how a Thai run of letters is read (see knowledge/thai.py)."""

    negation_stops: list[NonEmpty]
    no_matter: list[NonEmpty]
    pronouns: list[NonEmpty]
    indefinite_after: list[NonEmpty]
    indefinite_before: list[NonEmpty]
    indefinite_wider: list[NonEmpty]


class SignalsFile(Strict):
    negations: TextList
    question_words: TextList
    question_auxiliaries: TextList
    # Question words that also ask in the middle of a sentence (Turkish "clientlar neden
    # daha iyi", Indonesian "usaha jenis apa"); none for English.
    question_words_inside: TextList = Field(default_factory=_no_words)
    # Endings of one of the two words after a question word that make it "whoever /
    # whatever" (Turkish "kim ucuzsa", Russian "кто угодно"): an answer, not a question.
    indefinite_endings: TextList = Field(default_factory=_no_words)
    # Words that END a question (Turkish "mi/mı", Romanian "nu?"): checked last in a clause.
    question_endings: TextList = Field(default_factory=_no_words)
    served_markers: TextList
    # Case endings that mark who is served where the marker comes after the business
    # ("restoranlara … tedarik ediyoruz": -lara, to the restaurants).
    served_endings: dict[LangCode, list[NonEmpty]] = Field(default_factory=dict)
    # "some … some …": the two halves of an answer that splits the buyers two ways.
    split_markers: Annotated[TextList, AfterValidator(_split_in_two)] = Field(
        default_factory=_no_words
    )
    # Units of time and their length in days, for Option.days ("hafta": 7).
    duration_units: dict[LangCode, dict[NonEmpty, Annotated[float, Field(ge=0)]]] = Field(
        default_factory=_no_units
    )
    # "… but …": words after which an answer qualifies what it said first.
    contrast_words: TextList = Field(default_factory=_no_words)
    # The plain "no" of an answer ("nope", "нет", "hayır"): negated by another negation in
    # its clause ("I wouldn't say no", "не то чтобы нет") it hedges, it does not deny.
    no_words: TextList = Field(default_factory=_no_words)
    # Parts inside a word that negate it (Turkish "iste-mi-yoruz", "gel-mez").
    negating_infixes: TextList = Field(default_factory=_no_words)
    # Negations that follow the phrase they deny, right before the verb closing the clause
    # ("двух одинаковых заказов не бывает", Thai "ไม่มีสัญญาผมไม่รับ").
    trailing_negations: TextList = Field(default_factory=_no_words)
    # Negations that ask ("bisa gak …?"): ignored when finding a question's topic.
    asking_negations: TextList = Field(default_factory=_no_words)
    # Subjects the bot does not cover ("tax"): no FAQ topic is guessed for them.
    off_topic: TextList = Field(default_factory=_no_words)
    # Stepping away mid-chat ("wait, a customer came in"): never read as an answer.
    chatter: TextList = Field(default_factory=_no_words)
    # Asking what the current question means ("what do you mean?", "why are you asking
    # this?", "what counts as …"): the question is explained, then asked again
    # (knowledge/explain.py). `explain_fillers` are the words that may stand beside a cue
    # without making the text about something else ("please", "exactly", "by that").
    explain_cues: TextList = Field(default_factory=_no_words)
    explain_fillers: TextList = Field(default_factory=_no_words)
    # Letters only some of the languages use (Turkish ğ, Romanian ț): a hint for telling
    # which language a description is written in (knowledge/language.py).
    language_letters: dict[LangCode, list[NonEmpty]] = Field(default_factory=dict)
    # "…, the rest …", "everyone else …": the description turns to a second group of
    # buyers. The words after the marker describe that group (knowledge/triage.py).
    other_group_markers: TextList = Field(default_factory=_no_words)
    thai_rules: ThaiRules
    signals: list[Signal] = Field(min_length=1)


# --- classifier.yaml --------------------------------------------------------------------


class DescriptionCheck(Strict):
    """When typed text is no business description at all (see knowledge/plausible.py)."""

    # Letters (any script) among the characters that are not spaces.
    min_letter_share: float = Field(ge=0, le=1)
    # One word longer than this (in a script written with spaces) holding at least
    # giant_word_share of all letters is a keyboard mash, not a word.
    max_word_letters: int = Field(ge=10, le=200)
    giant_word_share: float = Field(ge=0, le=1)
    # Share of the text made of one short chunk repeated ("aaaa", "asdfasdfasdf").
    max_repeat_share: float = Field(ge=0, le=1)
    # From this many letters on, at least min_known_share of the words (Thai: letter
    # triples) must occur somewhere in the knowledge files, in any language.
    check_words_from: int = Field(ge=1, le=2000)
    min_known_share: float = Field(ge=0, le=1)
    # A longer word also counts as known when a known word starts with the same letters,
    # so inflected forms ("müşterilerimiz", "магазинами") are recognised.
    stem_letters: int = Field(ge=2, le=20)


Score = Annotated[float, Field(ge=0, le=100)]
Margin = Annotated[float, Field(gt=0, le=100)]


class ScoreLadder(Strict):
    """How surely each kind of typed-answer reading is held (knowledge/matching.py), and
    the lines that decide what happens to it (knowledge/interpret.py, dialogs/engine.py):
    at or above ``take`` a reading is taken (echoed back unless ``exact``), below it it is
    pre-selected for confirmation (a guess). Tuning one rung may move a kind of reading
    across a line: ``_in_order`` names the two rungs when it does.
    """

    exact: Score  # the label, a synonym, the option's number or symbol, typed as is
    sure_option: Score  # a reading this sure wins even when the text asks ("yes?")
    # One misspelt word ("tailerd"): typo_base - typo_step per edit, up to typo_max_edits.
    typo_base: Score
    typo_step: Margin
    typo_max_edits: int = Field(ge=1, le=5)
    # A known answer opening the sentence ("no, once they pay …"): prefix_base +
    # prefix_step per word of it.
    prefix_base: Score
    prefix_step: float = Field(ge=0, le=10)
    count: Score  # a count or duration inside an option's range ("like 4 or 5")
    spelling: Score  # the whole message spelt close to a phrase: its similarity from here
    # A phrase inside a sentence: inside_base + min(inside_per_word * words +
    # inside_per_letter * letters, inside_span), scaled by how closely it was typed.
    inside_base: Score
    inside_span: float = Field(ge=0, le=100)
    inside_per_word: float = Field(ge=0, le=100)
    inside_per_letter: float = Field(ge=0, le=100)
    take: Score  # the take line: below it a reading is only a guess
    signal_guess: Score  # a signal phrase pointing at the question: always a guess
    mixed_guess: Score  # two answers at once, offered as "some of each"
    contradicted: Score  # an opening yes/no overruled by what follows it
    keyword: Score  # telling words counted (the last resort)
    # Margins: two options this close are asked about ("A or B?"); a second answer this
    # close to a taken one is too; rivals this close to an opening answer unsettle it.
    tie_margin: Margin
    near_take: Margin
    prefix_rival: Margin

    def order(self) -> list[tuple[str, float, str, float, bool]]:
        """(higher rung, its value, lower rung, its value, may they be equal), top down."""
        lowest_typo = self.typo_base - self.typo_step * self.typo_max_edits
        return [
            ("exact", self.exact, "sure_option", self.sure_option, False),
            ("exact", self.exact, "typo_base - typo_step", self.typo_base - self.typo_step, False),
            (
                "exact",
                self.exact,
                "inside_base + inside_span",
                self.inside_base + self.inside_span,
                False,
            ),
            ("exact", self.exact, "count", self.count, False),
            ("exact", self.exact, "spelling", self.spelling, False),
            ("sure_option", self.sure_option, "take", self.take, False),
            ("typo_base - typo_step * typo_max_edits", lowest_typo, "take", self.take, True),
            (
                "prefix_base + prefix_step",
                self.prefix_base + self.prefix_step,
                "take",
                self.take,
                True,
            ),
            ("count", self.count, "take", self.take, True),
            ("spelling", self.spelling, "take", self.take, True),
            ("inside_base", self.inside_base, "take", self.take, True),
            ("take", self.take, "signal_guess", self.signal_guess, True),
            ("take", self.take, "mixed_guess", self.mixed_guess, False),
            ("mixed_guess", self.mixed_guess, "contradicted", self.contradicted, False),
            ("contradicted", self.contradicted, "keyword", self.keyword, False),
        ]

    @model_validator(mode="after")
    def _in_order(self) -> ScoreLadder:
        for high, high_value, low, low_value, equal in self.order():
            if high_value < low_value or (high_value == low_value and not equal):
                above = "at or above" if equal else "above"
                raise ValueError(f"{high} ({high_value:g}) must be {above} {low} ({low_value:g})")
        return self


class ClassifierSettings(Strict):
    # Hybrid rule (see knowledge/classifier.py): both sides at least this share of the
    # answered weight ...
    hybrid_min_each_side: float = Field(ge=0, le=1)
    # ... or "both kinds of buyers" answers carry at least this share ...
    hybrid_min_mixed: float = Field(ge=0, le=1)
    # ... or the score sits within this many points of 50 (too close to call).
    hybrid_band: float = Field(ge=0, le=50)
    confidence_high: int = Field(ge=0, le=100)
    confidence_medium: int = Field(ge=0, le=100)
    top_reasons: int = Field(ge=1, le=10)
    min_tactics: int = Field(ge=1, le=10)
    max_tactics: int = Field(ge=1, le=10)
    # Points a tactic gets for fitting the verdict's model, before answer boosts.
    model_fit_points: int = Field(ge=0, le=10)
    prefer_points: int = Field(ge=0, le=10)
    # Points for a tactic whose `fits` names the owner's trade family.
    family_fit_points: int = Field(ge=0, le=10)
    # Weight of "businesses like yours usually …" (the matched business type) in the
    # score, on the same scale as the dimension weights.
    prior_weight: float = Field(ge=0, le=5)
    # Typed-text matching thresholds (0-100, rapidfuzz scores): business.py, faq.py.
    business_cutoff: float = Field(ge=0, le=100)
    faq_cutoff: float = Field(ge=0, le=100)
    token_cutoff: float = Field(ge=0, le=100)
    description_check: DescriptionCheck
    scores: ScoreLadder


class ClassifierFile(Strict):
    classifier: ClassifierSettings


# --- messages.yaml ------------------------------------------------------------------


class MessagesFile(Strict):
    messages: dict[Id, Text]
