"""Every number the answer decision uses, in one place: retrieval depth, fusion, gate, composer."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class AnswerConfig:
    """Thresholds and weights of the qa pipeline; `with_overrides` takes `POLICYQA_QA_<FIELD>` values."""

    # retrieval
    depth: int = 30  # hits taken from each retriever before fusion
    rrf_k: int = 60  # reciprocal-rank-fusion constant (Cormack et al.)
    candidates: int = 8  # fused candidates handed to the gate and the composer
    crosslingual_sentences: int = 240  # a question in another language: sentences of the dense hits embedded to rank them
    background_sample: int = 256  # chunks whose vectors describe "unrelated" similarity for the dense z-score
    # rerank: fused rank + question coverage, small penalties for non-policy and garbled chunks
    weight_coverage: float = 1.0
    penalty_non_policy: float = 0.2
    non_policy_focus: float = 0.5  # … not for a chunk holding this much of the question's focus words
    penalty_garbled: float = 0.1
    penalty_no_figure: float = 0.3  # a quantity is asked and the chunk states none
    # the asked unit of a bare 多少, read from the evidence (figures next to the focus words)
    expected_unit_figures: int = 4  # … when the candidates state at least this many such figures
    expected_unit_share: float = 0.2  # … the units holding at least this share of them
    expected_unit_background: int = 64  # … else passages elsewhere in the corpus naming the noun, read for it
    expected_unit_background_share: float = 0.5  # … whose figures must mostly come in one unit
    # gate
    gate_threshold: float = 0.5  # answer when p(answerable) >= this
    absent_verb_weight: float = 0.3  # weight of a verb, time or adverb word no document writes (听说, 拿到, 一共)
    gate_features: int = 3  # best candidates looked at for coverage/dense features
    reason_missing: float = 0.3  # a refusal names the words no document uses when they weigh this much
    reason_dense_margin: float = 1.0  # … and says the best passage is not close when its margin is below this
    listed_document_coverage: float = 0.5  # each document a question lists must be named this well by its label
    named_title_coverage: float = 0.8  # a question writing this share of a document's title words names it
    cited_title_coverage: float = 0.5  # a 文号 question is answered from a citation 《title》（文号） naming this much of it
    referral_alternative: float = 0.8  # a sentence leaving the rule to another document refuses unless one naming
    # this share of what it names states the figure
    asked_year_share: float = 0.5  # a sentence for the asked year scoring this share of the best (another year's) answers
    cut_off_tail_chars: int = 60  # a document ending mid-sentence: its unfinished last clause is at most this long
    related_min_coverage: float = 0.34  # a refused question whose best passage covers this much gets it cited as related
    # composer
    max_sentences: int = 3
    sentence_keep_ratio: float = 0.75  # sentences scoring >= ratio × best are kept (up to max_sentences)
    sentence_dense_weight: float = 0.5  # weight of embedding similarity against lexical coverage in sentence choice
    crosslingual_kind: float = 0.5  # … a question in another language: the asked kind of fact against meaning (0–1)
    dense_sentences: int = 12  # at most this many sentences (of the two best clauses) are embedded per answer
    dense_sentence_chars: int = 160
    max_clauses: int = 2  # clauses an answer quotes for a one-part question
    own_part_clauses: int = 2  # a part the chosen clauses leave unanswered: its own best clauses looked at
    traditional_share: float = 0.05  # a text is in traditional script when simplifying changes this share of it
    copy_overlap: float = 0.8  # a copy's chunk holds a passage when it has this share of its character bigrams
    second_clause_gain: float = 0.15  # a second clause must add this much question coverage
    second_clause_score: float = 0.7  # … and rank within this share of the first
    complete_coverage: float = 0.95
    max_figures: int = 6

    @classmethod
    def with_overrides(cls, env: dict[str, str]) -> AnswerConfig:
        """Defaults, with any `POLICYQA_QA_<FIELD>` found in `env` (so a desk can tune without code)."""
        base = cls()
        changes = {}
        for f in fields(cls):
            raw = env.get(f"POLICYQA_QA_{f.name.upper()}")
            if raw:
                changes[f.name] = type(getattr(base, f.name))(raw)
        return replace(base, **changes)
