"""Versions of one policy, made from a real seed document copied with a new date and new figures."""

from __future__ import annotations

from datetime import date

import pytest

from corpus.pipeline import BUNDLED_CORPUS, load_corpus
from corpus.versions import link_versions, normalised_title, prefer_versions, version_note

SEED = BUNDLED_CORPUS / "004_446eb3355726a05e.txt"  # 蘇州工業園區…行動計劃(2022-2025), 發表時間 2023-05-29


@pytest.fixture()
def two_versions(tmp_path):
    old = SEED.read_text("utf-8")
    new = (
        old.replace("(2022-2025)", "(2025-2027)")
        .replace("發(fā)表時(shí)間:2023-05-29", "發(fā)表時(shí)間:2025-03-01")
        .replace("10家", "15家")
    )
    assert new != old and "2025-03-01" in new
    (tmp_path / "plan_2023.txt").write_text(old, "utf-8")
    (tmp_path / "plan_2025.txt").write_text(new, "utf-8")
    docs, errors = load_corpus(tmp_path)
    assert errors == []
    return {d.doc_id: d for d in docs}


def _loaded(folder, **texts: str) -> dict:
    """The documents written here (file stem → text), loaded and linked as a corpus."""
    for stem, text in texts.items():
        (folder / f"{stem}.txt").write_text(text, "utf-8")
    return {d.doc_id: d for d in load_corpus(folder)[0]}


def test_versions_are_linked_and_newest_heads(two_versions):
    old, new = two_versions["plan_2023.txt"], two_versions["plan_2025.txt"]
    assert old.meta.date == date(2023, 5, 29) and new.meta.date == date(2025, 3, 1)
    assert old.meta.version_group == new.meta.version_group == "plan_2025.txt"
    assert old.meta.superseded_by == "plan_2025.txt" and new.meta.superseded_by == ""
    note = version_note(old, two_versions)
    assert "2023年版本" in note and "2025年版本" in note and new.meta.title in note
    assert version_note(new, two_versions) == ""


def test_newest_preferred_older_reachable(two_versions):
    ids = set(two_versions)
    assert prefer_versions(ids, "园区集成电路企业目标多少家", two_versions) == {"plan_2023.txt"}
    assert prefer_versions(ids, "2023年版园区集成电路企业目标多少家", two_versions) == set()
    assert prefer_versions(ids, "2022-2025行动计划的企业目标", two_versions) == set()  # its own title words
    assert prefer_versions({"plan_2023.txt"}, "园区集成电路企业目标", two_versions) == {"plan_2023.txt"}


def test_an_older_edition_asked_by_its_place_in_the_sequence_drops_the_newer(two_versions):
    ids = set(two_versions)
    assert prefer_versions(ids, "旧版行动计划的园区集成电路企业目标多少家", two_versions) == {"plan_2025.txt"}
    assert prefer_versions(ids, "2024年以前那版园区集成电路企业目标多少家", two_versions) == {"plan_2025.txt"}
    assert prefer_versions(ids, "2020年之前的版本园区企业目标多少家", two_versions) == set()  # none is that old
    assert prefer_versions(ids, "较早的那个版本里园区企业目标多少家", two_versions) == {"plan_2025.txt"}


def test_a_question_comparing_editions_keeps_them_all(two_versions):
    ids = set(two_versions)
    for q in ("行动计划前后两版的园区企业目标有什么不同", "园区企业目标后来改成了多少", "新版比原来那版多了哪些产业",
              "这个计划先后印发过几次，分别是哪天"):
        assert prefer_versions(ids, q, two_versions) == set(), q
    assert prefer_versions(ids, "园区集成电路企业目标和产值目标分别是多少", two_versions) == {"plan_2023.txt"}  # no comparison


def test_draft_and_final(tmp_path):
    final = SEED.read_text("utf-8")
    lines = final.split("\n")
    lines[0] = lines[0] + "（征求意见稿）"
    draft = "\n".join(lines).replace("發(fā)表時(shí)間:2023-05-29", "發(fā)表時(shí)間:2023-01-10")
    (tmp_path / "final.txt").write_text(final, "utf-8")
    (tmp_path / "draft.txt").write_text(draft, "utf-8")
    docs, _ = load_corpus(tmp_path)
    by_id = {d.doc_id: d for d in docs}
    assert by_id["draft.txt"].meta.is_draft and not by_id["final.txt"].meta.is_draft
    assert by_id["draft.txt"].meta.superseded_by == "final.txt"
    assert "征求意见稿" in version_note(by_id["draft.txt"], by_id)


def test_a_call_for_comments_on_a_draft_is_a_version_of_the_adopted_text(tmp_path):
    """关于对《X(草案)》公开征求意见的公告 wraps the draft X: the adopted X is its newer version."""
    assert normalised_title("山西省司法厅关于对《山西省民营经济发展促进条例(草案)》公开征求意见的公告") == "山西省民营经济发展促进条例"
    assert normalised_title("自治区商务厅关于《宁夏回族自治区招商引资优惠政策(征求意见稿)》公开征求社会公众意见的公告") \
        == "宁夏回族自治区招商引资优惠政策"
    assert normalised_title("关于公开征求《江西省优化营商环境条例(草案)》意见建议的通知") == "江西省优化营商环境条例"
    assert normalised_title("关于贯彻落实《中小企业促进条例》的实施意见") != "中小企业促进条例"  # implementing it: another document
    by_id = _loaded(tmp_path, draft=("山西省司法厅关于对《山西省民营经济发展促进条例(草案)》公开征求意见的公告\n现对《山西省"
                                     "民营经济发展促进条例(草案)》公开征求意见。\n第一条 为了维护民营经济组织合法权益，制定本条例。\n"
                                     "山西省司法厅\n2023年6月29日\n"),
                    final=("山西省民营经济发展促进条例\n(2023年11月30日山西省第十四届人民代表大会常务委员会第六次会议通过)\n"
                           "第一条 为了保护民营经济组织合法权益，制定本条例。\n"))
    assert by_id["draft.txt"].meta.is_draft and by_id["draft.txt"].meta.superseded_by == "final.txt"


def test_an_announcement_promulgating_a_law_is_a_version_of_that_law(tmp_path):
    """云南省人大常委会公告(第6号)《云南省中小企业促进条例》已由…通过: the 2008 text is an older version of the 2021 law."""
    by_id = _loaded(tmp_path, old=("云南省人大常委会公告\n(第6号)\n《云南省中小企业促进条例》已由云南省第十一届人民代表大会常务"
                                   "委员会第三次会议于2008年5月29日审议通过,现予公布。\n云南省人民代表大会常务委员会\n2008年5月29日\n"
                                   "第一条 为了改善中小企业经营环境,制定本条例。\n"),
                    new=("云南省中小企业促进条例\n(2021年7月29日云南省第十三届人民代表大会常务委员会第二十五次会议修订)\n"
                         "第一条 为了优化中小企业经营环境,制定本条例。\n云南省人民代表大会常务委员会\n2021年7月29日\n"))
    assert by_id["old.txt"].meta.superseded_by == "new.txt"


def test_different_places_are_not_versions(tmp_path):
    text = "{city}人民政府关于推进制造业高质量发展的若干意见\n一、总则\n为推进制造业发展，制定本意见。\n{city}人民政府\n{day}\n"
    (tmp_path / "a.txt").write_text(text.format(city="余姚市", day="2020年12月30日"), "utf-8")
    (tmp_path / "b.txt").write_text(text.format(city="慈溪市", day="2021年3月1日"), "utf-8")
    docs, _ = load_corpus(tmp_path)
    assert all(d.meta.version_group == "" for d in docs)
    assert normalised_title(docs[0].meta.title) == normalised_title(docs[1].meta.title)


def test_two_versions_of_one_year_are_told_apart_by_their_dates(tmp_path):
    old = SEED.read_text("utf-8")
    new = old.replace("發(fā)表時(shí)間:2023-05-29", "發(fā)表時(shí)間:2023-09-01").replace("10家", "15家")
    (tmp_path / "may.txt").write_text(old, "utf-8")
    (tmp_path / "september.txt").write_text(new, "utf-8")
    docs, _ = load_corpus(tmp_path)
    by_id = {d.doc_id: d for d in docs}
    note = version_note(by_id["may.txt"], by_id)
    assert "2023-05-29的版本" in note and "2023-09-01版本" in note


def test_an_undated_copy_numbered_in_the_dated_versions_year_is_a_copy_not_an_older_version(tmp_path):
    """A repost that lost its date but keeps its number (…[2014]10号) is the 2014 notice itself, perhaps running
    further: it stays in scope beside the dated copy. An undated copy of another year stays an older version."""
    notice = ("北京市海淀区人民政府关于印发本区促进重点产业发展支持办法的通知\n发布日期:2014-06-30\n"
              "第一条 为促进重点产业发展,制定本办法。\n")
    (tmp_path / "dated.txt").write_text(notice, "utf-8")
    (tmp_path / "repost.txt").write_text("海淀区促进重点产业发展支持办法\n海行规发[2014]10号\n第一条 为促进重点产业发展,"
                                         "制定本办法。\n第五条 本办法由区商务委负责组织实施。\n", "utf-8")
    (tmp_path / "older.txt").write_text("海淀区促进重点产业发展支持办法\n海行规发[2011]3号\n第一条 为促进重点产业发展,"
                                        "制定本办法。\n", "utf-8")
    docs, _ = load_corpus(tmp_path)
    by_id = {d.doc_id: d for d in docs}
    assert by_id["repost.txt"].meta.version_group == "dated.txt" and by_id["repost.txt"].meta.superseded_by == ""
    assert by_id["older.txt"].meta.superseded_by == "dated.txt"
    assert prefer_versions(by_id, "海淀区的支持办法由哪个部门组织实施?", by_id) == {"older.txt"}


def test_a_repost_dated_days_after_the_notice_is_a_copy(tmp_path):
    """A news site's copy dated by its page a week after the notice is the same text, not a newer version: both
    stay in scope (the official copy may be the one that runs further)."""
    old = SEED.read_text("utf-8")
    repost = old.replace("發(fā)表時(shí)間:2023-05-29", "發(fā)表時(shí)間:2023-06-05")
    (tmp_path / "notice.txt").write_text(old, "utf-8")
    (tmp_path / "repost.txt").write_text(repost, "utf-8")
    docs, _ = load_corpus(tmp_path)
    by_id = {d.doc_id: d for d in docs}
    assert by_id["notice.txt"].meta.version_group == "repost.txt"
    assert not by_id["notice.txt"].meta.superseded_by and not prefer_versions(by_id, "行动计划的目标是什么", by_id)


def test_a_repost_without_a_title_is_linked_to_its_copy_by_the_sentences_they_share(tmp_path):
    """A repost that starts at its 文号 has no title to link by; sharing most of its long sentences verbatim with the
    titled copy makes it a copy (same group, neither superseded). Two policies sharing one boilerplate sentence are
    not copies."""
    body = ("各设区市人民政府,各县(市、区)人民政府,省政府各部门:\n经过多年的建设与发展,我省48家省级以上开发区日益成为聚集和配置先进"
            "生产要素的重要载体,在构建我省现代产业体系中发挥着越来越重要的作用。\n一、总体要求。坚持以科学发展观为指导,以转变发展方式"
            "为主线,以体制机制创新为动力,推动开发区加快发展、科学发展、率先发展。\n二、发展目标。到2015年,全省开发区主营业务收入年均"
            "增长百分之二十以上,工业增加值占全省的比重达到百分之三十以上。\n三、保障措施。各地要把开发区建设摆上重要位置,加强组织领导,"
            "完善考核办法,确保各项政策措施落到实处。\n")
    (tmp_path / "titled.txt").write_text("某省人民政府关于加快开发区发展的若干意见\n" + body, "utf-8")
    (tmp_path / "repost.txt").write_text("某政[2010]135 号\n" + body, "utf-8")
    (tmp_path / "other.txt").write_text("某省人民政府关于促进民营经济发展的若干意见\n" + body.split("\n")[1] + "\n"
                                        "一、总体要求。以优化营商环境为重点,推动民营经济提质增效,力争民营经济增加值占比稳步提高。\n", "utf-8")
    by_id = {d.doc_id: d for d in load_corpus(tmp_path)[0]}
    assert by_id["repost.txt"].meta.version_group == by_id["titled.txt"].meta.version_group == "titled.txt"
    assert not by_id["repost.txt"].meta.superseded_by and not by_id["titled.txt"].meta.superseded_by
    assert not by_id["other.txt"].meta.version_group


def test_editions_whose_titles_differ_in_their_verbs_are_versions(tmp_path):
    """推进…立市 / 推动…: a draft and the adopted text name one subject with other verbs (and one more word)."""
    body = "一、支持重大工业项目建设。对总投资5000万元以上的重大工业项目,给予不超过投资额10%的支持。\n"
    by_id = _loaded(tmp_path, draft="天津市加快制造业高质量发展推进制造业立市若干政策措施(公开征求意见稿)\n天津市工业和信息化局\n"
                                    "2022年10月2日\n" + body,
                    adopted="天津市推动制造业高质量发展若干政策措施\n天津市人民政府办公厅\n2023年4月11日\n" + body,
                    other="天津市推动商贸服务业高质量发展若干政策措施\n天津市人民政府办公厅\n2023年5月8日\n" + body)
    assert by_id["draft.txt"].meta.version_group == by_id["adopted.txt"].meta.version_group == "adopted.txt"
    assert by_id["draft.txt"].meta.superseded_by == "adopted.txt" and not by_id["other.txt"].meta.superseded_by


def test_a_copy_whose_region_cannot_be_read_takes_its_partners(tmp_path):
    """A repost naming no place takes the region of the copy it shares its sentences with, re-read at each linking
    (the partner gone, it has none again)."""
    body = ("各设区市人民政府,各县(市、区)人民政府,省政府各部门:\n经过多年的建设与发展,我省48家省级以上开发区日益成为聚集和配置先进"
            "生产要素的重要载体,在构建我省现代产业体系中发挥着越来越重要的作用。\n一、总体要求。坚持以科学发展观为指导,以转变发展方式"
            "为主线,以体制机制创新为动力,推动开发区加快发展、科学发展、率先发展。\n二、发展目标。到2015年,全省开发区主营业务收入年均"
            "增长百分之二十以上,工业增加值占全省的比重达到百分之三十以上。\n三、保障措施。各地要把开发区建设摆上重要位置,加强组织领导,"
            "完善考核办法,确保各项政策措施落到实处。\n")
    by_id = _loaded(tmp_path, titled="河北省人民政府关于加快开发区发展的若干意见\n" + body, repost="[2010]135 号\n" + body)
    repost = by_id["repost.txt"]
    assert (repost.meta.region, repost.meta.region_from) == ("河北省", "titled.txt")
    link_versions([repost])
    assert (repost.meta.region, repost.meta.region_code, repost.meta.region_from) == ("", "", "")


def test_an_undated_copy_sharing_the_dated_texts_sentences_is_no_older_version(tmp_path):
    """A news copy of a dated 意见, undated and running further, is a copy by its words: it stays in scope."""
    body = ("一、补齐县域基础设施短板。推进以县城为重要载体的新型城镇化建设,扎实推动县城城镇化补短板强弱项,增强县城综合承载能力。\n"
            "二、壮大县域特色产业。每年遴选20个左右重点镇,对特色产业发展、基础设施建设给予资金支持,打造一批特色产业集群。\n"
            "三、强化县域要素保障。统筹安排新增建设用地计划指标,优先保障县域重点产业项目用地需求,提高土地利用效率。\n")
    (tmp_path / "dated.txt").write_text("辽宁省发布《关于推动县域经济高质量发展若干政策措施的意见》\n发布日期:2024-07-05\n" + body, "utf-8")
    (tmp_path / "news.txt").write_text("辽宁省人民政府办公厅发布关于推动县域经济高质量发展若干政策措施的意见\n" + body
                                       + "四、对新进入百强县的县奖励3000万元,对排名进位的县奖励2000万元。\n", "utf-8")
    by_id = {d.doc_id: d for d in load_corpus(tmp_path)[0]}
    assert by_id["news.txt"].meta.version_group == "dated.txt" and not by_id["news.txt"].meta.superseded_by


_ARTICLES = ("第一条 为了改善中小企业经营环境,保障中小企业公平参与市场竞争,维护中小企业合法权益,促进中小企业健康发展,{aim},"
             "根据《中华人民共和国中小企业促进法》等国家有关法律、法规,结合自治区实际,制定本条例。\n"
             "第二条 旗县级以上人民政府应当将促进中小企业发展纳入国民经济和社会发展规划,制定促进中小企业发展政策,"
             "建立中小企业促进工作协调机制,统筹协调、指导本行政区域内的中小企业促进工作。\n"
             "第三条 自治区设立中小企业发展专项资金,通过资助、购买服务、奖励等方式,重点用于支持中小企业公共服务体系"
             "和融资服务体系建设,专项资金向小型微型企业倾斜,资金管理使用坚持公开、透明的原则。\n"
             "第四条 旗县级以上人民政府应当{credit},引导银行业金融机构向中小企业提供金融服务,推动建立中小企业信用担保体系,"
             "为中小企业提供融资担保服务。\n")


def test_an_untitled_adopted_text_and_its_draft_are_versions_by_the_wording_they_share(tmp_path):
    """A copy of an adopted regulation that opens at its adoption note has no title to link by; the draft it was
    revised from shares much of its wording, so the draft is the older version. Another province's regulation on
    the same subject, with wording of its own, is not linked."""
    by_id = _loaded(
        tmp_path,
        draft="关于《内蒙古自治区中小企业促进条例(征求意见稿)》公开征求意见的公告\n发布时间:2019-05-05\n"
              + _ARTICLES.format(aim="扩大城乡就业", credit="完善融资政策"),
        adopted="(2019年9月26日内蒙古自治区第十三届人民代表大会常务委员会第十五次会议通过)\n"
                + _ARTICLES.format(aim="发挥中小企业在国民经济和社会发展中扩大就业、改善民生、促进创业创新的重要作用",
                                   credit="采取措施拓宽中小企业融资渠道"),
        other="(2022年9月28日新疆维吾尔自治区第十三届人民代表大会常务委员会第三十五次会议通过)\n"
              "第一条 为了贯彻落实中小企业促进法,优化中小企业发展环境,激发市场主体活力,结合自治区实际,制定本办法。\n"
              "第二条 县级以上人民政府负责中小企业促进工作的部门应当加强对中小企业发展的统筹规划和政策协调,"
              "定期分析中小企业运行情况,及时研究解决中小企业发展中的重大问题。\n"
              "第三条 自治区设立中小企业发展专项资金,通过资助、购买服务、奖励等方式,重点用于支持中小企业公共服务体系"
              "和融资服务体系建设。\n")
    draft, adopted, other = by_id["draft.txt"], by_id["adopted.txt"], by_id["other.txt"]
    assert draft.meta.is_draft and not adopted.meta.title
    assert draft.meta.version_group == adopted.meta.version_group == "adopted.txt"
    assert draft.meta.superseded_by == "adopted.txt" and not adopted.meta.superseded_by
    assert not other.meta.version_group


def test_an_undated_copy_in_other_punctuation_is_a_copy_by_its_wording(tmp_path):
    """A news copy of a dated text whose sentences differ in punctuation (full-width marks, a dropped full stop)
    shares no sentence verbatim but most of its wording: it is a copy, kept in scope, not an older version."""
    text = _ARTICLES.format(aim="扩大城乡就业", credit="完善融资政策")
    news = text.replace(",", "，").replace("、", "，").replace("。", "").replace("《", "“").replace("》", "”")
    by_id = _loaded(tmp_path,
                    dated="内蒙古自治区中小企业促进条例\n(2019年9月26日内蒙古自治区第十三届人民代表大会常务委员会第十五次会议通过)\n"
                          + text,
                    news="内蒙古出台中小企业促进条例\n" + news + "第五条 本条例自2019年12月1日起施行。\n")
    assert by_id["news.txt"].meta.version_group == "dated.txt" and not by_id["news.txt"].meta.superseded_by
