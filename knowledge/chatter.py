"""The owner stepping away mid-chat ("wait, a customer just came in"), not answering.

``is_chatter`` finds the chatter phrases of signals.yaml; such a message is never read
as an answer (an exact label or synonym still is: see ``interpret.interpret_answer``).
"""

from __future__ import annotations

from knowledge.model import Knowledge, with_english
from knowledge.phrases import PhraseIndex, clause_numbers

CHATTER_SLACK = 2  # words beside a chatter phrase in its clause ("ok wait a sec")


def build_chatter_index(kb: Knowledge, lang: str) -> PhraseIndex:
    chatter = with_english(kb.signals_file.chatter, lang)
    return PhraseIndex({"chatter": chatter}, token_cutoff=kb.settings.token_cutoff)


def is_chatter(kb: Knowledge, text: str, lang: str) -> bool:
    """The phrase opens the message, makes up a clause of its own or is long enough to
    tell, so "they usually wait two weeks" is an answer."""
    clauses = clause_numbers(text)
    for hit in kb.index(lang).chatter.find(text):
        own_clause = clauses.count(clauses[hit.start]) <= hit.length + CHATTER_SLACK
        # "sorry wait …" (no commas on a phone); a long phrase ("a customer just came
        # in") is telling anywhere.
        if hit.start <= 1 or hit.length >= 3 or own_clause:
            return True
    return False
