"""The answer a user gets: text, citations that can be checked, warnings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Citation:
    """One cited passage. `quote == Document.text[start:end]` of document `source`."""

    id: int  # the marker number shown as [id] in the answer
    chunk_id: str
    source: str  # document id (file name)
    title: str
    heading: str
    quote: str
    start: int
    end: int
    score: float
    issuer: str = ""
    date: str = ""
    region: str = ""
    related: bool = False  # cited to show what the corpus does say when it cannot answer (answerable is false)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Answer:
    """The result of one question; `to_dict()` is the JSON contract of `policyqa ask --json`."""

    question: str
    answer: str
    answerable: bool
    citations: list[Citation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    rewritten_question: str = ""  # set when a follow-up was rewritten into a standalone question
    gate: dict | None = None  # the answerability gate's verdict: probability, features, reasons

    def to_dict(self) -> dict:
        d = asdict(self)
        d["citations"] = [c.to_dict() for c in self.citations]
        if not self.rewritten_question:
            d.pop("rewritten_question")
        if self.gate is None:
            d.pop("gate")
        return d
