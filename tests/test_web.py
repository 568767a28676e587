"""The web UI in a real Chromium (Playwright) against a real served PolicyQA."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web_fixtures import XSS_DOC, XSS_QUESTION, Served, serve_for_tests
from ui import feedback

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ADMIN_TOKEN = "test-admin-token"
SCREENSHOT_COPY = Path("/tmp/policyqa-screenshot.png")
WAIT_MS = 90_000


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[Served]:
    with serve_for_tests(tmp_path_factory.mktemp("web"), admin_token=ADMIN_TOKEN) as s:
        yield s


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium not installed (make browser)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, served: Served):
    """A fresh tab (fresh conversation) that records any JS dialog; none may open."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
    pg = context.new_page()
    pg.dialogs = []
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    pg.goto(served.url, wait_until="domcontentloaded")
    pg.locator("#pq-question textarea").wait_for(timeout=WAIT_MS)
    yield pg
    assert pg.dialogs == [], f"a script ran: {pg.dialogs}"
    context.close()


def ask(page, question: str) -> None:
    """Type a question, send it and wait until its turn is complete (not pending, not streaming)."""
    before = page.locator("#pq-transcript .pq-turn").count()
    page.locator("#pq-question textarea").fill(question)
    page.locator("#pq-send").click()
    page.wait_for_function(
        """(n) => {
            const t = document.querySelectorAll('#pq-transcript .pq-turn');
            return t.length > n && !t[t.length - 1].classList.contains('pq-streaming');
        }""",
        arg=before,
        timeout=WAIT_MS,
    )


def last_turn(page):
    return page.locator("#pq-transcript .pq-turn").last


def test_answer_citation_and_source_viewer(page, served: Served, tmp_path: Path) -> None:
    ask(page, "首轮流片补助多少")
    page.locator("#pq-citations .pq-card[data-cite='1']").wait_for(timeout=WAIT_MS)
    answer = last_turn(page).locator(".pq-answer").inner_text()
    assert "40%" in answer and "500万" in answer
    card = page.locator("#pq-citations .pq-card[data-cite='1']")
    assert "郑州市" in card.inner_text() and "流片" in card.locator("mark").inner_text()

    card.click()
    mark = page.locator("#pq-source mark#hl-start")
    mark.wait_for(timeout=WAIT_MS)
    assert "流片" in page.locator("#pq-source mark").all_inner_texts()[0]
    page.wait_for_function(
        """() => { const m = document.querySelector('#pq-source mark#hl-start');
                   const box = m.closest('.pq-doc-body').getBoundingClientRect(), r = m.getBoundingClientRect();
                   return r.top >= box.top && r.bottom <= box.bottom; }""",
        timeout=10_000,
    )  # scrolled into view inside the viewer
    shot = tmp_path / "policyqa-answer.png"
    page.screenshot(path=str(shot), full_page=True)
    shutil.copyfile(shot, SCREENSHOT_COPY)

    page.locator("#pq-view label", has_text="原始文本").click()
    page.wait_for_function("() => document.querySelector('#pq-source').innerText.includes('原始文本')", timeout=WAIT_MS)
    assert "流片" in page.locator("#pq-source mark").first.inner_text()

    page.locator("#pq-up").click()
    page.locator("#pq-feedback-status .pq-status-ok").wait_for(timeout=WAIT_MS)
    assert feedback.rows(served.settings.feedback_db)[-1]["rating"] == 1


def test_feedback_is_stored(page, served: Served) -> None:
    ask(page, "首轮流片补助多少")
    page.get_by_placeholder("对最近一条回答的意见（可选）").fill("引用准确")
    page.locator("#pq-down").click()
    page.locator("#pq-feedback-status .pq-status-ok").wait_for(timeout=WAIT_MS)
    last = feedback.rows(served.settings.feedback_db)[-1]
    assert last["rating"] == -1 and last["comment"] == "引用准确"
    assert last["question"] == "首轮流片补助多少" and last["citations"]


def test_follow_up_shows_the_rewritten_question(page) -> None:
    ask(page, "首轮流片补助多少")
    ask(page, "上限是多少？")
    rewrite = last_turn(page).locator(".pq-rewrite")
    assert rewrite.inner_text().startswith("已理解为：") and "流片" in rewrite.inner_text()


@pytest.mark.parametrize("question", ["深圳市首轮流片补助多少", "新能源汽车购置税减免政策是什么"])
def test_refusal_is_styled_and_uncited(page, question: str) -> None:
    ask(page, question)
    turn = last_turn(page)
    assert turn.locator(".pq-refusal").count() == 1
    assert "无法回答" in turn.locator(".pq-refusal").inner_text()
    assert turn.locator(".pq-ref").count() == 0
    assert page.locator("#pq-citations .pq-card").count() == 0


def test_untrusted_text_is_shown_as_text(page) -> None:
    question = XSS_QUESTION + "<img src=x onerror=alert(3)>"
    ask(page, question)
    assert last_turn(page).locator(".pq-user").inner_text() == question
    page.locator("#pq-citations .pq-card[data-cite='1']").click()
    page.locator("#pq-source mark#hl-start").wait_for(timeout=WAIT_MS)
    source = page.locator("#pq-source").inner_text()
    assert XSS_DOC in source
    assert "<script>alert(1)</script>" in source and "<img src=x onerror=alert(2)>" in source
    for where in ("#pq-transcript", "#pq-citations", "#pq-source"):
        assert page.locator(f"{where} script, {where} img").count() == 0
    page.wait_for_timeout(500)  # give any injected handler the chance to fire (the fixture asserts none did)


def test_over_long_question_gets_a_message(page, served: Served) -> None:
    page.locator("#pq-question textarea").fill("流片" * served.settings.max_question_chars)
    page.locator("#pq-send").click()
    error = page.locator("#pq-transcript .pq-error")
    error.wait_for(timeout=WAIT_MS)
    assert "问题太长" in error.inner_text()


def test_knowledge_base_requires_the_token_deletes_and_uploads(page, served: Served, tmp_path: Path) -> None:
    page.get_by_role("tab", name="知识库").click()
    table = page.locator("#pq-docs")
    table.get_by_text(XSS_DOC).first.wait_for(timeout=WAIT_MS)
    assert "郑州市关于加快新一代信息技术的实施意见" in table.inner_text()

    page.locator("#pq-doc-select").select_option(XSS_DOC)
    page.locator("#pq-delete-btn").click()
    page.locator("#pq-kb-status .pq-status-err").wait_for(timeout=WAIT_MS)  # no token typed
    page.locator("#pq-token-input").fill("wrong-token")
    page.locator("#pq-delete-btn").click()
    page.wait_for_function("() => document.querySelector('#pq-kb-status').innerText.includes('token')",
                           timeout=WAIT_MS)
    assert served.qa.document(XSS_DOC) is not None

    page.locator("#pq-token-input").fill(ADMIN_TOKEN)
    page.locator("#pq-doc-select").select_option(XSS_DOC)
    page.locator("#pq-delete-btn").click()
    page.locator("#pq-kb-status .pq-status-ok").wait_for(timeout=WAIT_MS)
    page.wait_for_function(f"() => !document.querySelector('#pq-docs').innerText.includes('{XSS_DOC}')",
                           timeout=WAIT_MS)
    assert served.qa.document(XSS_DOC) is None
    assert all(c.source != XSS_DOC for c in served.qa.ask(XSS_QUESTION).citations)

    upload = tmp_path / "901_upload_test.txt"
    upload.write_text("郑州市关于支持上传测试企业的通知\n一、支持措施\n1.对上传测试企业给予一次性奖励10万元。\n",
                      encoding="utf-8")
    page.locator("#pq-file").set_input_files(str(upload))
    page.locator("#pq-upload-btn").click()
    page.wait_for_function("() => document.querySelector('#pq-docs').innerText.includes('901_upload_test.txt')",
                           timeout=WAIT_MS)
    assert "上传完成" in page.locator("#pq-kb-status").inner_text()
    assert served.qa.document("901_upload_test.txt") is not None

    page.locator("#pq-upload-btn").click()  # the same name again, without 替换同名文档
    page.locator("#pq-kb-status .pq-status-err").wait_for(timeout=WAIT_MS)
    assert "替换同名文档" in page.locator("#pq-kb-status").inner_text()
    page.locator("#pq-replace").check()
    page.locator("#pq-upload-btn").click()
    page.wait_for_function("() => document.querySelector('#pq-kb-status').innerText.includes('上传完成')",
                           timeout=WAIT_MS)
