"""The gazetteer: complete hierarchy from jionlp's data, short forms, zones, ambiguity, both scripts."""

from __future__ import annotations

import pytest

from corpus.gazetteer import COUNTRY_CODE, Gazetteer, gazetteer


def _names(text: str) -> list[str]:
    return [m.place.name for m in gazetteer().find(text)]


def test_hierarchy_is_complete():
    gaz = gazetteer()
    levels = [p.level for p in gaz.places.values()]
    assert levels.count("province") == 34 and levels.count("city") > 330 and levels.count("county") > 2800
    kunshan = gaz.get("320583")
    assert kunshan.name == "江苏省苏州市昆山市" and kunshan.short == "昆山"
    assert kunshan.parents == ("320500", "320000") and kunshan.within("320000") and kunshan.within(COUNTRY_CODE)
    assert [p.name for p in gaz.chain(kunshan)] == ["江苏省苏州市昆山市", "江苏省苏州市", "江苏省"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("浦东首轮流片补助多少", ["上海市浦东新区"]),
        ("昆山有什么政策", ["江苏省苏州市昆山市"]),
        ("寧波市人民政府關於", ["浙江省宁波市"]),  # traditional script
        ("慈溪和余姚", ["浙江省宁波市慈溪市", "浙江省宁波市余姚市"]),
        ("盘县招商引资优惠办法", ["贵州省六盘水市盘州市"]),  # a former name resolves to today's place
        ("北京朝阳区", ["北京市朝阳区"]),
        ("北京的朝阳区", ["北京市", "北京市朝阳区"]),  # resolved by the other place named
        ("辽宁朝阳", ["辽宁省", "辽宁省朝阳市"]),
        ("青海大通县招商引资奖励办法", ["青海省西宁市大通回族土族自治县"]),  # an autonomous county's everyday name, led
        ("大通县招商引资奖励办法", ["青海省西宁市大通回族土族自治县"]),  # by its province as 北京朝阳区 is
        ("长阳县和恩施州", ["湖北省宜昌市长阳土家族自治县", "湖北省恩施土家族苗族自治州"]),
    ],
)
def test_names_and_short_forms(text, expected):
    assert _names(text) == expected


def test_development_zones():
    gaz = gazetteer()
    [qingdao] = gaz.find("青岛高新区的奖励")
    assert qingdao.place.code == "370271" and qingdao.place.level == "zone"
    assert qingdao.place.parents[0] == "370200"
    [suzhou] = gaz.find("苏州高新区集成电路")  # not in the data: recognised as <city> + zone type
    assert suzhou.place.level == "zone" and suzhou.place.parents[0] == "320500"
    assert suzhou.place.code != gaz.find("苏州工业园区")[0].place.code  # a different zone of the same city
    assert gaz.find("郑州市高新区")[0].place.code == "410172"
    # a city's 开发区 is its economic-technological development zone (泉州开发区, 大连开发区)
    assert gaz.find("泉州开发区重点产业链")[0].place.name == "福建省泉州市泉州经济技术开发区"
    assert gaz.find("各开发区管委会") == []  # no city before it: no place


def test_ambiguous_and_ordinary_words_are_not_guessed():
    gaz = gazetteer()
    matches, dropped = gaz.find_all("朝阳区的补贴")
    assert matches == [] and dropped and dropped[0][0] == "朝阳区"
    assert _names("鼓楼区") == [] and _names("南京鼓楼区") == ["江苏省南京市鼓楼区"]
    assert _names("和平发展") == [] and _names("本市中小企业") == []
    assert _names("雄安新区") == []  # 安新 inside another name is not 安新县
    assert _names("需要改建或新建的幼儿园") == []  # 新建 is a common word before it is 南昌's 新建区
    assert _names("新建区") == ["江西省南昌市新建区"]


def test_national_words():
    assert [m.place.code for m in gazetteer().find("国务院办公厅")] == [COUNTRY_CODE]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What subsidy does Shanghai give for tape-out?", ["上海市"]),
        ("CIXI enterprises", ["浙江省宁波市慈溪市"]),  # case-insensitive
        ("Is Shanghai's rule stricter than Cixi's?", ["上海市", "浙江省宁波市慈溪市"]),
        ("high-tech firms in Xi'an", ["陕西省西安市"]),  # the apostrophe marks the syllable boundary
        ("Lüliang and Ma’anshan", ["安徽省马鞍山市"]),  # without its ü, 吕梁市 or 陆良县: never guessed
        ("Xiangfan's old policy", ["湖北省襄阳市"]),  # a former name, romanised
        ("公司在Cixi注册", ["浙江省宁波市慈溪市"]),
    ],
)
def test_romanised_names(text, expected):
    assert _names(text) == expected


def test_romanised_names_are_whole_words_and_never_guessed():
    gaz = gazetteer()
    assert _names("Shanghaiese food") == [] and _names("the Cixi2 plant") == []
    assert _names("How many yuan?") == [] and _names("Xian") == []  # one syllable: many words, no place
    matches, dropped = gaz.find_all("Suzhou subsidies")  # 苏州 and 宿州 read alike
    assert matches == [] and {gaz.get(c).short for c in dropped[0][1]} >= {"苏州", "宿州"}
    [park] = gaz.find("How many firms does Suzhou Industrial Park aim to cultivate?")  # the Suzhou with that park
    assert park.place.code == "320571" and park.surface == "Suzhou Industrial Park"
    assert gaz.find("Qingdao High-tech Zone rewards")[0].place.code == "370271"
    assert gaz.find("the Jiangyin Hi-tech Zone fund")[0].place.name.endswith("江阴高新技术产业开发区")  # Hi-tech, as written too
    # 南岸 is an ordinary Chinese word, but in Latin script it names the district, like 南安市 (Nan'an)
    assert gaz.find("Chongqing Nan'an district")[1].place.name == "重庆市南岸区"  # the one under Chongqing
    assert gaz.find("Nan'an District rules")[0].place.name == "重庆市南岸区"  # the one that is a district
    assert gaz.find("Nan'an City rules")[0].place.name == "福建省泉州市南安市"
    assert gaz.find("Nan'an rules")[0].place.name == "福建省泉州市南安市"  # nothing says otherwise: the name itself
    cached = Gazetteer.from_json(gaz.to_json())  # the on-disk cache keeps the romanised table
    assert [m.place.short for m in cached.find("Cixi")] == ["慈溪"]


def test_short_form_taken_apart_by_a_word_is_not_a_place():
    assert _names("展位租金和布展花销") == []  # jieba reads 和|布展: not 和布(克赛尔)
    assert _names("我们厂在海曙，今年") == ["浙江省宁波市海曙区"]  # 海|曙 split inside, no word across it
    assert _names("海曙的补贴") == ["浙江省宁波市海曙区"] and _names("余姚人才政策") == ["浙江省宁波市余姚市"]
    assert _names("和布克赛尔蒙古自治县") == ["新疆维吾尔自治区塔城地区和布克赛尔蒙古自治县"]


def test_a_street_named_after_a_place_is_not_the_place():
    assert _names("桃浦镇祁连山路创新产业发展带") == []  # not 祁连县
    assert _names("建设融创路、金山大道延伸段") == []  # not 金山区
    assert _names("南京西路商圈") == [] and _names("南京市鼓楼区") == ["江苏省南京市", "江苏省南京市鼓楼区"]


def test_a_river_lake_or_mountain_named_after_a_place_is_not_the_place():
    assert _names("妈妈过去从澜沧江边背盐水上来") == []  # jieba's place word 澜沧江, a river: not 澜沧县
    assert _names("环鄱阳湖城市群") == [] and _names("五台山景区门票") == []  # not 鄱阳县, not 五台县
    assert _names("澜沧县葡萄产业") == ["云南省普洱市澜沧拉祜族自治县"] and _names("五台县") == ["山西省忻州市五台县"]
    assert _names("牡丹江市") == ["黑龙江省牡丹江市"]  # a city named after its river is the city


def test_a_two_character_full_name_whose_first_character_a_word_takes_is_not_a_place():
    assert _names("入选全省县域经济十佳县") == []  # 十佳|县, not 佳县
    assert _names("推动新时代县域经济发展") == []  # 时代|县域, not 代县
    assert _names("魏县政府办公室") == ["河北省邯郸市魏县"]  # 魏|县政府: the suffix may go with the next word


def test_a_short_form_is_read_by_jiebas_words_around_it():
    def names(text: str) -> list[str]:
        return [m.place.name for m in gazetteer().find(text)]

    assert names("济宁县域经济攻坚行动计划") == ["山东省济宁市"]  # 济宁|县域: no 宁县 across the words
    assert names("拿出真金白银以奖促优") == []  # 白银 inside the idiom 真金白银
    assert names("雄安新区") == [] and names("余姚人") == ["浙江省宁波市余姚市"]  # as before


def test_an_english_level_word_reaches_the_city_whose_short_form_its_province_took():
    assert [m.place.name for m in gazetteer().find("Jilin City's 14th Five-Year Plan")] == ["吉林省吉林市"]
    assert [m.place.name for m in gazetteer().find("Jilin Province")] == ["吉林省"]


def test_a_latin_word_names_a_place_when_capitalised_in_a_text_with_capitals():
    """'guide' in an English question is a word; Guide County (贵德县) is a place; an all-lowercase question may still
    name one."""
    gaz = gazetteer()
    found = [m.place.name for m in gaz.find_all("the 1+9 special funds guide for Guide County")[0]]
    assert found == ["青海省海南藏族自治州贵德县"]
    assert [m.place.short for m in gaz.find_all("how much does zhengzhou give")[0]] == ["郑州"]


def test_an_ordinary_word_short_form_names_its_county_right_after_its_city_or_province():
    """登封 alone is a verb in jieba's dictionary, so not read as a place; after 河南 or 郑州 it is the county."""
    gaz = gazetteer()
    assert not gaz.find("登封")
    assert [m.place.name for m in gaz.find("河南登封高新技术企业奖励")] == ["河南省郑州市登封市"]
    assert [m.place.name for m in gaz.find("郑州登封")] == ["河南省郑州市登封市"]
    assert not gaz.find("兴业强县富民")  # no place before it: the ordinary word


def test_an_ordinary_word_short_form_names_its_county_in_its_zones_name():
    """兴化 (a verb), 隆回 (a time word to jieba): alone no place, but 兴化经济开发区 and 隆回高新区 are those counties'
    zones; not after another place, whose zone it is (武汉东湖高新区 is no zone of 南昌's 东湖区)."""
    gaz = gazetteer()
    assert not gaz.find("要兴化产业") and not gaz.find("隆回")
    assert [m.place.name for m in gaz.find("兴化经济开发区2022年工业开票")] == ["江苏省泰州市兴化市兴化经济技术开发区"]
    assert [m.place.parents[0] for m in gaz.find("来源:隆回高新技术产业开发区")] == ["430524"]  # 隆回县
    assert [m.place.name for m in gaz.find("武汉东湖高新区")] == ["湖北省武汉市"]


def test_a_town_right_after_its_county_or_city_is_a_place_under_it():
    """The table stops at counties; a town written right after one (东莞市道滘镇, 平利县城关镇) is a place under it,
    but not a word jieba's dictionary reads otherwise (乡镇, 重点乡, 港口镇), one led by a preposition (对乡镇) or a
    phrase led by a verb (促进|专业 镇)."""
    gaz = gazetteer()
    town = gaz.find("东莞市道滘镇人民政府")[0].place
    assert town.level == "town" and town.name == "广东省东莞市道滘镇" and town.parents[0] == "441900"
    assert [m.place.name for m in gaz.find("平利县城关镇")] == ["陕西省安康市平利县城关镇"]
    assert [m.place.name for m in gaz.find("深圳市宝安区新安街道")][-1] == "广东省深圳市宝安区新安街道"  # not 新安县
    for text in ("东莞市乡镇企业", "郑州市重点乡镇", "中山市港口镇", "南昌市安义县对乡镇", "咸安区哪两个镇",
                 "应县促进专业镇高质量发展实施方案"):
        assert all(m.place.level != "town" for m in gaz.find(text)), text
    assert gaz.find(gaz.find("东莞市道滘镇")[0].place.name)[-1].place.code == town.code  # read back from its name
    assert [m.place.name for m in gaz.find("沈阳市和平区解放路街道")][-1].endswith("解放路街道")  # a verb with a one-character word
    assert [m.place.name for m in gaz.find("大兴区旧宫镇")] == ["北京市大兴区旧宫镇"]  # 旧宫: a rare word, a name


def test_a_zone_is_named_by_its_county_however_jieba_reads_the_name():
    """灵石经开区: jieba reads 灵|石经|开区, yet the county's short form before a zone word names its zone."""
    found = gazetteer().find("灵石经开区和古县经开区的规划面积各是多少")
    assert [m.surface for m in found] == ["灵石经开区", "古县经开区"]
    assert not gazetteer().find("和布展")  # no zone word after it: a word taking half the name still wins


def test_a_short_form_split_by_a_word_is_a_name_before_a_town_of_its_own():
    """龙海港尾镇: jieba reads 龙|海港|尾镇, yet 龙海 with the town after it is 龙海区港尾镇, not 秦皇岛's 海港区; 和布展 is
    still no place."""
    found = gazetteer().find("龙海港尾镇那个汽车产业园规划用地多少亩")
    assert [m.place.name for m in found] == ["福建省漳州市龙海区港尾镇"]
    assert gazetteer().find("和布展的企业") == []


def test_a_name_right_after_a_countys_full_name_lies_in_that_county_throughout_the_text():
    """澄迈县福山咖啡文化风情镇: 福山 there is a place in 澄迈县 (海南), not 烟台's 福山区, and so is 福山 written again
    later in the same text; a place inside the county (…市…区) or written apart stays what it was."""
    found = gazetteer().find("欢乐节在澄迈县福山咖啡文化风情镇谢幕。福山咖啡文化风情镇规划面积28平方公里")
    assert [m.place.parents[0] for m in found if m.surface.endswith("福山")] == ["469023", "469023"]
    assert gazetteer().find("烟台市福山区")[-1].place.name == "山东省烟台市福山区"
    assert gazetteer().find("澄迈县、福山区")[-1].place.name == "山东省烟台市福山区"
