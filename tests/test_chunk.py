"""Structure-aware chunking on the real seeds and on a laws-style document."""

from __future__ import annotations

import hashlib

from corpus.clean import PINYIN_RE
from corpus.pipeline import BUNDLED_CORPUS, chunk_document, load_corpus, load_document


def test_tape_out_clause_is_one_chunk(seed_chunks):
    hits = [c for c in seed_chunks["001"] if "首轮流片" in c.display_text]
    [chunk] = hits  # 000 mentions 首轮流片 too, but 001's clause is a single chunk
    # 001 writes half-width parentheses; the heading keeps the document's own width
    assert chunk.heading_path == ["四、支持政策", "(三)鼓励产业创新发展", "10."]
    assert chunk.heading == "四、支持政策 > (三)鼓励产业创新发展 > 10."
    assert "40%" in chunk.display_text and "500万元" in chunk.display_text
    assert chunk.display_text.startswith("10.支持芯片企业首轮流片")
    assert "责任单位:市工信局、市财政局。" in chunk.display_text


def test_no_pinyin_or_advert_in_chunks(seed_chunks):
    for chunks in seed_chunks.values():
        for c in chunks:
            assert not PINYIN_RE.search(c.display_text)
            assert ".jpg" not in c.display_text and "咨詢熱線" not in c.display_text
            assert "18020275753" not in c.display_text


def test_chunks_tile_the_text(seed_docs, seed_chunks):
    for key, doc in seed_docs.items():
        chunks = seed_chunks[key]
        pos = 0
        for c in chunks:
            assert doc.text[pos : c.start].strip() == "", (key, c.position)
            assert c.display_text == doc.text[c.start : c.end]
            assert c.search_text == doc.search_text[c.start : c.end]
            assert c.doc_id == doc.doc_id and c.start < c.end
            pos = c.end
        assert doc.text[pos:].strip() == ""
        assert [c.position for c in chunks] == list(range(len(chunks)))


def test_ids_unique_and_stable():
    def ids():
        docs, _ = load_corpus(BUNDLED_CORPUS)
        return [c.chunk_id for d in docs for c in chunk_document(d)]

    first, second = ids(), ids()
    assert first == second and len(set(first)) == len(first)
    docs, _ = load_corpus(BUNDLED_CORPUS)
    c = chunk_document(docs[0])[1]
    digest = hashlib.sha1(c.display_text.encode("utf-8")).hexdigest()[:10]
    assert c.chunk_id == f"{docs[0].doc_id}:0001:{digest}"


def test_sizes_and_sentence_splits(seed_docs):
    doc = seed_docs["003"]
    chunks = chunk_document(doc, max_chars=200, min_chars=40)
    for c in chunks:
        assert len(c.display_text) <= 200
    pieces = [c for c in chunks if c.heading_path[:1] == ["三、提升资源要素保障能力,破解产业发展瓶颈"]]
    assert len(pieces) > 1
    assert all(c.display_text[-1] in "。；！？" for c in pieces)
    assert any(c.heading_path[-1] == "二是" for c in pieces)


def test_non_policy_sections(seed_chunks):
    sections = {c.section for c in seed_chunks["000"]}
    assert {"front", "policy", "contact"} <= sections
    contact = [c for c in seed_chunks["000"] if c.section == "contact"][0]
    assert "联系人:胡丽慧" in contact.display_text and "主办单位" in contact.display_text
    footer = [c for c in seed_chunks["002"] if c.section == "footer"][0]
    assert "（此件主动公开）" in footer.display_text
    assert "相关信息" in [c for c in seed_chunks["001"] if c.section == "footer"][0].display_text


def test_laws_document_chunks_at_articles(tmp_path):
    article = "本条规定的事项，由有关主管部门依照本法和国家有关规定负责监督管理，并定期向社会公布。" * 2
    body = "".join(
        f"## 第{ch}章 {name}\n\n"
        + "".join(f"第{n}条 {article}\n\n（一）第一项；\n（二）第二项。\n\n" for n in arts)
        for ch, name, arts in (("一", "总则", ("一", "二")), ("二", "法律责任", ("三", "四", "五")))
    )
    path = tmp_path / "示例法(2020-01-01).md"
    path.write_text("# 中华人民共和国示例法\n\n" + body, "utf-8")
    chunks = chunk_document(load_document(path))
    articles = [c for c in chunks if c.section == "policy"]
    assert [c.heading_path for c in articles] == [
        ["第一章 总则", "第一条"],
        ["第一章 总则", "第二条"],
        ["第二章 法律责任", "第三条"],
        ["第二章 法律责任", "第四条"],
        ["第二章 法律责任", "第五条"],
    ]
    assert all("（二）第二项。" in c.display_text for c in articles)  # lists stay in their article
    assert articles[2].display_text.startswith("第二章 法律责任\n第三条")


def test_tiny_articles_merge_with_a_range_label(tmp_path):
    path = tmp_path / "短法(2020-01-01).md"
    path.write_text("# 短法\n\n## 第一章 总则\n\n第一条 甲。\n\n第二条 乙。\n\n第三条 丙。\n", "utf-8")
    [chunk] = [c for c in chunk_document(load_document(path)) if c.section == "policy"]
    assert chunk.heading_path == ["第一章 总则", "第一条–第三条"]
