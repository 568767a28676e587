"""Term statistics from the keyword index's postings (real jieba + bm25s over real seed chunks)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from corpus.schema import Chunk
from index.keyword import KeywordIndex, term_grams
from qa.terms import TermWeights, match

CHIPS = "001_34e1b1a508027352.txt"  # Zhengzhou new-generation IT policy (has the 流片 clause)
LOANS = "000_7ffa5a2794a463d8.txt"  # 郑科贷


@pytest.fixture(scope="module")
def chunks(seed_chunks: dict[str, list[Chunk]]) -> list[Chunk]:
    return seed_chunks[LOANS[:3]] + seed_chunks[CHIPS[:3]]


@pytest.fixture(scope="module")
def keyword(chunks: list[Chunk]) -> KeywordIndex:
    return KeywordIndex.build((c.chunk_id, c.search_text) for c in chunks)


def _weights(keyword: KeywordIndex, **titles: str) -> TermWeights:
    return TermWeights(keyword, {CHIPS: titles.get("chips", ""), LOANS: titles.get("loans", "")})


def test_term_grams_follow_the_tokenizer() -> None:
    assert term_grams("首轮流片") == ["首轮", "轮流", "流片"]
    assert term_grams("家") == ["家"]
    assert {"500万", "500", "万元"} <= set(term_grams("500万元"))
    assert term_grams("的") == []  # stop words are not indexed


def test_document_frequency_is_exact_for_bigrams_and_numbers(chunks: list[Chunk], keyword: KeywordIndex) -> None:
    weights = _weights(keyword)
    n = len(chunks)
    for term in ("流片", "企业", "贷款", "补助", "人才", "2022", "40", "9", "500万"):  # numbers match inside numbers
        df = sum(term in c.search_text.lower() for c in chunks)
        assert weights.idf(term) == pytest.approx(math.log((n + 1) / (df + 0.5))), term
    assert weights.idf("流片") > weights.idf("企业")


def test_documents_that_use_a_term(chunks: list[Chunk], keyword: KeywordIndex) -> None:
    weights = _weights(keyword)
    texts = {doc: "\n".join(c.search_text.lower() for c in chunks if c.doc_id == doc) for doc in (CHIPS, LOANS)}
    for term in ("流片", "郑科贷", "首轮流片补助", "科技贷款", "人才", "量子纠缠", "人才奖"):
        for doc, text in texts.items():  # the same as matching the document's whole text
            assert weights.missing_share([term], {doc}) == pytest.approx(1 - match(term, text)), (term, doc)
    assert weights.missing_share(["郑科贷"], {CHIPS}) == 1.0
    assert weights.missing_share(["郑科贷"]) == 0.0  # the best document covers it
    assert weights.missing_share([], {CHIPS}) == 1.0
    assert weights.missing_share(["流片"], {"no-such-document"}) == 1.0
    assert 0.0 < max(weights.doc_match("量子流片")) < 1.0  # a longer word earns its share of bigrams
    assert max(weights.doc_match("流片奖")) == 0.0  # … when its head (last bigram) is among them


def test_titles_count(keyword: KeywordIndex) -> None:
    plain, titled = _weights(keyword), _weights(keyword, loans="量子纠缠专项贷款办法")
    assert plain.missing_share(["量子纠缠"], {LOANS}) == 1.0
    assert titled.missing_share(["量子纠缠"], {LOANS}) == 0.0
    assert titled.idf("量子纠缠") < plain.idf("量子纠缠")


def test_statistics_survive_save_and_load(chunks: list[Chunk], keyword: KeywordIndex, tmp_path: Path) -> None:
    keyword.save(tmp_path / "keyword.json")
    loaded = KeywordIndex.load(tmp_path / "keyword.json", {c.chunk_id: c.doc_id for c in chunks})
    for term in ("流片", "首轮流片补助", "郑科贷"):
        assert _weights(loaded).idf(term) == pytest.approx(_weights(keyword).idf(term))
        assert _weights(loaded).missing_share([term], {LOANS}) == pytest.approx(
            _weights(keyword).missing_share([term], {LOANS}))


def test_a_count_in_chinese_numerals_matches_its_arabic_form():
    assert match("两家", "入围生产企业为2家的,采取议价采购的方式") == 1.0
    assert match("十二个", "共12个项目") == 1.0
    assert match("三年", "有效期2年") < 1.0


def test_a_number_in_digits_matches_its_chinese_numerals():
    assert match("500", "对世界五百强企业") == 1.0
    assert match("2030", "到二〇三〇年") == 1.0
    assert match("300", "对世界五百强企业") == 0.0


def test_partial_credit_needs_the_head_of_the_compound():
    assert match("质量奖", "推动高质量发展") == 0.0  # 高质量 says nothing of an award
    assert match("首轮流片", "流片费用给予补助") == 1 / 3  # 流片 is the head: part of 首轮流片
    assert match("质量奖", "获得质量奖的企业") == 1.0


def test_corpus_statistics_see_a_count_in_either_numerals(chunks: list[Chunk], keyword: KeywordIndex) -> None:
    texts = {doc: "\n".join(c.search_text.lower() for c in chunks if c.doc_id == doc) for doc in (CHIPS, LOANS)}
    writer = next(doc for doc, text in texts.items() if "5家" in text)
    weights = TermWeights(keyword, {CHIPS: "", LOANS: ""}, texts)
    assert "五家" not in texts[writer]
    assert weights.missing_share(["五家"], {writer}) == 0.0  # the document writes 5家
    assert weights.idf("五家") < weights.idf("九十七家")  # … so the count is not rare there
    assert "7家" not in texts[writer] and weights.missing_share(["七家"], {writer}) == 1.0  # its grams 7, 家 are not enough


def test_a_word_no_document_writes_weighs_less_when_it_is_the_askers_verb_not_a_noun(keyword: KeywordIndex) -> None:
    plain = _weights(keyword)
    asker = TermWeights(keyword, {CHIPS: "", LOANS: ""}, absent_verb_weight=0.3)
    for verb in ("听说", "拿到"):  # absent verbs: the asker's wording
        assert asker.idf(verb) == pytest.approx(0.3 * plain.idf(verb))
    for noun in ("质量奖", "光伏", "流片"):  # an absent noun or abbreviation marks a near-miss; a written word keeps it
        assert asker.idf(noun) == pytest.approx(plain.idf(noun))
    share = asker.missing_share(["流片", "听说"])
    assert 0.0 < share < plain.missing_share(["流片", "听说"])
