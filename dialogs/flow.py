"""The questionnaire's shape: steps, transitions and their conditions, read from YAML.

``load_flow`` validates the file with pydantic and then checks the graph against the
knowledge: every step is a known question, every target exists, the first step reaches
every step, every step reaches the end, and there are no loops (so progress counts are
always finite and Back always has somewhere to go).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from knowledge.loader import KnowledgeError
from knowledge.model import NOT_SURE, Knowledge
from knowledge.raw import read_checked
from knowledge.recommend import matches
from knowledge.schema import Id

END = "end"
FLOW_FILE = Path(__file__).parent / "questionnaire.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Transition(_Strict):
    when: dict[Id, list[Id]] | None = Field(default=None, alias="if")
    goto: Id


class Step(_Strict):
    id: Id
    next: Id | list[Transition]

    @property
    def transitions(self) -> list[Transition]:
        if isinstance(self.next, str):
            return [Transition(goto=self.next)]
        return self.next


class Flow(_Strict):
    version: int = Field(ge=1)
    start: Id
    steps: list[Step] = Field(min_length=1)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def next_step(self, step_id: str, answers: Mapping[str, str]) -> str:
        """Where to go after ``step_id``; unanswered conditions take the default branch."""
        for transition in self.step(step_id).transitions:
            if transition.when is None or matches(transition.when, answers):
                return transition.goto
        raise AssertionError("validated flows end with an unconditional transition")

    def path(self, answers: Mapping[str, str]) -> list[str]:
        """The steps this owner walks through, given the answers so far."""
        out: list[str] = []
        current = self.start
        while current != END:
            out.append(current)
            current = self.next_step(current, answers)
        return out


def load_flow(kb: Knowledge, path: Path = FLOW_FILE) -> Flow:
    name = path.name
    problems: list[str] = []
    ok, raw = read_checked(path, problems)
    if not ok:
        raise KnowledgeError(problems)
    try:
        flow = Flow.model_validate(raw)
    except ValidationError as exc:
        raise KnowledgeError(
            [f"{name}: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
        ) from None
    problems = _check_graph(flow, kb, name)
    if problems:
        raise KnowledgeError(problems)
    return flow


def _check_graph(flow: Flow, kb: Knowledge, name: str) -> list[str]:
    problems: list[str] = []
    ids = [s.id for s in flow.steps]
    if len(set(ids)) != len(ids):
        problems.append(f"{name}: steps: duplicate step ids")
    known = set(ids)
    if flow.start not in known:
        problems.append(f"{name}: start: unknown step '{flow.start}'")
    for si, step in enumerate(flow.steps):
        where = f"{name}: steps.{si}"
        if step.id not in kb.questions:
            problems.append(f"{where}.id: no question '{step.id}' in questions.yaml")
        transitions = step.transitions
        for ti, t in enumerate(transitions):
            if t.goto != END and t.goto not in known:
                problems.append(f"{where}.next.{ti}.goto: unknown step '{t.goto}'")
            for qid, options in (t.when or {}).items():
                question = kb.questions.get(qid)
                if question is None:
                    problems.append(f"{where}.next.{ti}.if.{qid}: unknown question")
                    continue
                valid = {o.id for o in question.options} | {NOT_SURE}
                for oid in options:
                    if oid not in valid:
                        problems.append(f"{where}.next.{ti}.if.{qid}: unknown option '{oid}'")
        if transitions[-1].when is not None:
            problems.append(f"{where}.next: the last transition must have no 'if' (dead end)")
    if problems:
        return problems

    edges = {s.id: [t.goto for t in s.transitions] for s in flow.steps}
    reachable: set[str] = set()
    stack = [flow.start]
    while stack:
        node = stack.pop()
        if node == END or node in reachable:
            continue
        reachable.add(node)
        stack.extend(edges[node])
    for sid in ids:
        if sid not in reachable:
            problems.append(f"{name}: steps.{ids.index(sid)}: step '{sid}' is unreachable")
    # Loops would make "3/9" meaningless and Back ambiguous: reject them.
    state: dict[str, int] = {}

    def visit(node: str) -> bool:
        if node == END or state.get(node) == 2:
            return False
        if state.get(node) == 1:
            return True
        state[node] = 1
        looped = any(visit(target) for target in edges[node])
        state[node] = 2
        return looped

    if any(visit(sid) for sid in ids):
        problems.append(f"{name}: steps: the flow has a loop")
    return problems
