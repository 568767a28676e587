"""The copy of a passage in the asker's script.

A corpus may hold one text twice, in simplified and in traditional script (a repost, a Hong Kong or Taiwan site's
copy). A question asked in simplified Chinese, or in another language, is answered by quoting the simplified copy;
one asked in traditional script by the traditional copy, wherever that copy holds the same passage. Copies are the
members of one version group with the same draft status and date (or one undated).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from corpus.clean import to_simplified
from corpus.schema import Chunk, Document
from qa.retriever import Candidate


def traditional(text: str, share: float) -> bool:
    """Is `text` in traditional script: does simplifying it change at least `share` of its Han characters?"""
    han = changed = 0
    for a, b in zip(text, to_simplified(text), strict=True):
        if "\u4e00" <= a <= "\u9fff":
            han += 1
            changed += a != b
    return bool(han) and changed / han >= share


class ScriptCopies:
    """The copies of a corpus's documents in either script, read once per corpus: each document's script and its
    version group's members are worked out the first time an answer needs them, not again for every answer."""

    def __init__(self, docs: Mapping[str, Document], chunks_of: Callable[[str], list[Chunk]], share: float,
                 overlap: float) -> None:
        self.docs, self.chunks_of, self.share, self.overlap = docs, chunks_of, share, overlap
        self._script: dict[str, bool] = {}
        self._groups: dict[str, list[Document]] | None = None

    def traditional(self, doc_id: str) -> bool:
        if doc_id not in self._script:
            self._script[doc_id] = traditional(self.docs[doc_id].text[:3000], self.share)
        return self._script[doc_id]

    def members(self, group: str) -> list[Document]:
        if self._groups is None:
            groups: dict[str, list[Document]] = {}
            for doc in self.docs.values():
                if doc.meta.version_group:
                    groups.setdefault(doc.meta.version_group, []).append(doc)
            self._groups = groups
        return self._groups.get(group, [])

    def copy_in_askers_script(self, doc: Document, question: str) -> Document | None:
        """A copy of `doc` in the question's script, when `doc` is in the other one (None otherwise)."""
        wanted = traditional(question, self.share)
        if not doc.meta.version_group or self.traditional(doc.doc_id) == wanted:
            return None
        return next((d for d in self._copies(doc) if self.traditional(d.doc_id) == wanted), None)

    def _copies(self, doc: Document) -> list[Document]:
        """The other members of `doc`'s version group with its draft status and date (or undated): its copies."""
        return [d for d in self.members(doc.meta.version_group) if d.doc_id != doc.doc_id
                and d.meta.is_draft == doc.meta.is_draft and (d.meta.date == doc.meta.date or not d.meta.date
                                                              or not doc.meta.date)]

    def in_askers_script(self, cands: list[Candidate], question: str) -> list[Candidate]:
        """`cands` with each passage from a copy in the other script replaced by the same passage of a copy in the
        question's script: the chunk of that copy holding at least `overlap` of the passage's character bigrams."""
        wanted = traditional(question, self.share)
        out = []
        for cand in cands:
            doc = cand.doc
            if not doc.meta.version_group or self.traditional(doc.doc_id) == wanted:
                out.append(cand)
                continue
            copies = [d for d in self._copies(doc) if self.traditional(d.doc_id) == wanted]
            grams = _bigrams(cand.chunk.search_text)
            best, share_held = None, 0.0
            for copy in copies:
                for chunk in self.chunks_of(copy.doc_id):
                    held = len(grams & _bigrams(chunk.search_text)) / len(grams) if grams else 0.0
                    if held > share_held:
                        best, share_held = (copy, chunk), held
            out.append(replace(cand, doc=best[0], chunk=best[1]) if best and share_held >= self.overlap else cand)
        unique: dict[str, Candidate] = {}
        for cand in out:  # a passage both copies gave is quoted once
            unique.setdefault(cand.chunk.chunk_id, cand)
        return list(unique.values())


def _bigrams(text: str) -> set[str]:
    """The character bigrams of `text`, whitespace aside."""
    text = "".join(text.split())
    return {text[i:i + 2] for i in range(len(text) - 1)}
