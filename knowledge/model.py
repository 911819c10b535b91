"""The loaded knowledge: validated files plus the look-ups the rest of the code needs.

``Knowledge`` is built once by ``loader.load_knowledge`` and then only read, so it is
safe to share between chats, threads and transports.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from knowledge.schema import (
    DEFAULT_LANG,
    Advice,
    Business,
    BusinessModel,
    ClassifierSettings,
    Dimension,
    FaqEntry,
    Glossary,
    ModelId,
    Option,
    Question,
    QuestionsFile,
    SignalsFile,
    Tactic,
)

if TYPE_CHECKING:  # built from a Knowledge, so only a type here
    from knowledge.index import Indexes, LanguageIndex

# The "Not sure" answer every choice question gets (never listed in questions.yaml).
NOT_SURE = "not_sure"


def pick(text: dict[str, str], lang: str) -> str:
    """The text in ``lang``, falling back to English while a translation is missing."""
    return text.get(lang) or text[DEFAULT_LANG]


def languages_for(lang: str) -> list[str]:
    """What typed text in ``lang`` is read against: that language, then English, which
    owners mix in everywhere."""
    return [lang] if lang == DEFAULT_LANG else [lang, DEFAULT_LANG]


def with_english(texts: dict[str, list[str]], lang: str) -> list[str]:
    """The typed forms listed for ``lang``, then the English ones."""
    return [word for code in languages_for(lang) for word in texts.get(code, [])]


# eq=False: compared and hashed by identity (the files are large; two loads are two).
@dataclass(frozen=True, eq=False)
class Knowledge:
    languages: dict[str, str]
    models: dict[ModelId, BusinessModel]
    glossary: Glossary
    questions_file: QuestionsFile
    businesses: list[Business]
    # Trade family ids (businesses.yaml), in file order.
    families: list[str]
    tactics: list[Tactic]
    advice: list[Advice]
    faq: list[FaqEntry]
    settings: ClassifierSettings
    messages: dict[str, dict[str, str]]
    signals_file: SignalsFile
    questions: dict[str, Question] = field(init=False)
    dimensions: dict[str, Dimension] = field(init=False)
    tactics_by_id: dict[str, Tactic] = field(init=False)
    # Set once by the loader (``set_indexes``), right after the files are read.
    indexes: Indexes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # frozen dataclass: derived indexes are set once, here.
        object.__setattr__(self, "questions", {q.id: q for q in self.questions_file.questions})
        object.__setattr__(self, "dimensions", {d.id: d for d in self.questions_file.dimensions})
        object.__setattr__(self, "tactics_by_id", {t.id: t for t in self.tactics})

    def set_indexes(self, indexes: Indexes) -> None:
        if "indexes" in self.__dict__:
            raise RuntimeError("the indexes of a Knowledge are set once")
        object.__setattr__(self, "indexes", indexes)

    def index(self, lang: str) -> LanguageIndex:
        """The index of ``lang``; a language the files do not declare reads like English
        (its words are only the English ones)."""
        by_lang = self.indexes.languages
        return by_lang[lang] if lang in by_lang else by_lang[DEFAULT_LANG]

    def business(self, business_id: str | None) -> Business | None:
        return next((b for b in self.businesses if b.id == business_id), None)

    def text(self, key: str, lang: str, /, **values: object) -> str:
        """A message from messages.yaml in ``lang``, with its placeholders filled."""
        template = pick(self.messages[key], lang)
        return template.format(**values) if values else template

    def option(self, question_id: str, option_id: str) -> Option | None:
        for option in self.questions[question_id].options:
            if option.id == option_id:
                return option
        return None

    def option_label(self, question_id: str, option_id: str, lang: str) -> str:
        if option_id == NOT_SURE:
            return pick(self.not_sure_label_text(question_id), lang)
        option = self.option(question_id, option_id)
        return pick(option.label, lang) if option else option_id

    def not_sure_label_text(self, question_id: str) -> dict[str, str]:
        q = self.questions[question_id]
        return self.questions_file.skip if q.kind == "text" else self.questions_file.not_sure

    def weight(self, question_id: str) -> float:
        dim = self.questions[question_id].dimension
        return self.dimensions[dim].weight if dim else 0.0

    def term(self, side: ModelId, lang: str) -> str:
        """The glossary's word for 'client' or 'customer' in ``lang``."""
        entry = self.glossary.client if side == "client" else self.glossary.customer
        return pick(entry.term, lang)
