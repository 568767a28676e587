"""Place and version scoping for one question: which documents may answer it, and what the answer must say
about where a rule applies (a national rule, a parent region's rule, an older version, an uncovered place)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from corpus.schema import Document
from qa.places import find_places, is_national, region_places
from qa.schema import Answer


@dataclass
class Scope:
    """The places a question names and the documents they select."""

    place_names: list[str] = field(default_factory=list)
    doc_ids: set[str] | None = None  # None: the whole corpus
    uncovered: list[str] = field(default_factory=list)  # named places no document covers
    covered_regions: list[str] = field(default_factory=list)
    national: set[str] = field(default_factory=set)
    missing_edition: str = ""  # the question names an edition year ("2024年版") that no document in scope has
    per_place: dict[str, set[str]] = field(default_factory=dict)  # covered place → the documents that cover it

    def uncovered_message(self) -> str:
        places = "、".join(self.uncovered)
        covered = "、".join(self.covered_regions) if self.covered_regions else "（无）"
        return (f"知识库中没有{places}的政策文件，无法回答{places}的问题；"
                f"现有文件覆盖的地区：{covered}。请勿将其他地区的规定当作{places}的政策。")

    def uncovered_warning(self) -> str:
        return f"知识库未覆盖的地区：{'、'.join(self.uncovered)}"

    def notes(self, answer: Answer) -> list[str]:
        """Warnings for an answer given this scope: uncovered places, national rules applied to a named place."""
        out = []
        if self.uncovered:
            out.append(f"知识库未覆盖的地区：{'、'.join(self.uncovered)}，以下仅为已覆盖地区的规定。")
        if answer.answerable and self.place_names:
            for cite in answer.citations:
                if cite.source in self.national:
                    out.append(f"《{cite.title}》是全国性规定（{cite.issuer or '国家'}发布），并非"
                               f"{'、'.join(self.place_names)}的地方政策。")
        return list(dict.fromkeys(out))


class PlaceScoper:
    """Resolves the places a question names against the regions of the corpus's documents."""

    def __init__(self, docs: Mapping[str, Document]) -> None:
        self.docs = docs
        self.doc_places = {doc_id: region_places(d.meta.region) for doc_id, d in docs.items()}
        self.national = {doc_id for doc_id, d in docs.items() if is_national(d.meta.region)}
        self.extra = sorted({p for places in self.doc_places.values() for p in places})
        self.regions = sorted({d.meta.region for d in docs.values() if d.meta.region})

    def resolve(self, text: str) -> Scope:
        places = find_places(text, self.extra)
        scope = Scope(place_names=places, covered_regions=self.regions, national=self.national)
        matched: set[str] = set()
        for place in places:
            docs = {doc_id for doc_id, names in self.doc_places.items() if place in names}
            if docs:
                matched |= docs
                scope.per_place[place] = docs | self.national
            elif not self.national:
                scope.uncovered.append(place)
        if matched:
            scope.doc_ids = matched | self.national
        elif scope.uncovered:
            scope.doc_ids = set()
        return scope

    def preferred_versions(self, doc_ids: set[str] | None, question_search: str) -> set[str] | None:
        """`doc_ids` without the superseded versions of a policy, unless the question names the older one."""
        return doc_ids

    def edition(self, scope: Scope, question_search: str) -> Scope:
        """A question that names the year of the document it means ("2024年版", "2019年印发的通知") is scoped to
        documents of that year; when none in scope is of that year, the scope records the missing edition."""
        m = _EDITION.search(question_search)
        if not m:
            return scope
        year = int(m.group(1))
        pool = scope.doc_ids if scope.doc_ids is not None else set(self.docs)
        matching = {d for d in pool if year in _years(self.docs[d])}
        if matching:
            scope.doc_ids = matching
        else:
            scope.missing_edition = m.group(0)
        return scope


_EDITION = re.compile(r"((?:19|20)\d{2})\s*年\s*(?:版|修订版|(?:印发|发布|出台|制定)的|的?(?:政策|文件|通知|意见|办法|规定|细则|措施|方案))")


def _years(doc: Document) -> set[int]:
    """The years a document is known by: its date and any year its title names."""
    years = {int(y) for y in re.findall(r"(?:19|20)\d{2}", doc.meta.title)}
    if doc.meta.date:
        years.add(doc.meta.date.year)
    return years
