"""Place names in questions and documents, so an answer never presents one place's rule as another's."""

from __future__ import annotations

import re

PROVINCES = ["北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门"]

# city → province; enough to recognise the places enterprises ask about
CITIES: dict[str, str] = {
    **dict.fromkeys(["深圳", "广州", "东莞", "佛山", "珠海", "中山", "惠州", "汕头"], "广东"),
    **dict.fromkeys(["杭州", "宁波", "温州", "绍兴", "嘉兴", "金华", "台州"], "浙江"),
    **dict.fromkeys(["南京", "苏州", "无锡", "常州", "南通", "徐州", "扬州", "镇江"], "江苏"),
    **dict.fromkeys(["郑州", "洛阳", "开封", "新乡", "许昌"], "河南"),
    **dict.fromkeys(["厦门", "福州", "泉州"], "福建"),
    **dict.fromkeys(["武汉", "宜昌", "襄阳"], "湖北"),
    **dict.fromkeys(["长沙", "株洲", "湘潭"], "湖南"),
    **dict.fromkeys(["成都", "绵阳"], "四川"),
    **dict.fromkeys(["济南", "青岛", "烟台", "潍坊", "临沂"], "山东"),
    **dict.fromkeys(["合肥", "芜湖"], "安徽"),
    **dict.fromkeys(["沈阳", "大连"], "辽宁"),
    **dict.fromkeys(["石家庄", "唐山", "保定", "雄安"], "河北"),
    "西安": "陕西", "南昌": "江西", "赣州": "江西", "南宁": "广西", "桂林": "广西", "柳州": "广西",
    "海口": "海南", "三亚": "海南", "贵阳": "贵州", "昆明": "云南", "拉萨": "西藏", "兰州": "甘肃",
    "西宁": "青海", "银川": "宁夏", "乌鲁木齐": "新疆", "哈尔滨": "黑龙江", "长春": "吉林",
    "太原": "山西", "呼和浩特": "内蒙古", "包头": "内蒙古",
}

# smaller places the bundled documents are about → the city they belong to
DISTRICTS: dict[str, str] = {"湖里": "厦门", "苏州工业园区": "苏州", "新郑": "郑州"}
ALIASES: dict[str, str] = {"工业园区": "苏州工业园区", "苏州园区": "苏州工业园区", "园区本级": "苏州工业园区"}

NATIONAL = ("全国", "中华人民共和国", "国家", "国务院")


def parents(place: str) -> list[str]:
    """The chain of larger places containing `place` (short names), nearest first."""
    chain = []
    while True:
        place = DISTRICTS.get(place) or CITIES.get(place) or ""
        if not place:
            return chain
        chain.append(place)


def _gazetteer() -> list[str]:
    return sorted({*PROVINCES, *CITIES, *DISTRICTS, *ALIASES}, key=len, reverse=True)


_GAZETTEER = _gazetteer()


def find_places(text: str, extra: list[str] | tuple[str, ...] = ()) -> list[str]:
    """Place names in `text` in reading order; a longer name wins over the shorter ones inside it."""
    names = sorted({*_GAZETTEER, *extra}, key=len, reverse=True)
    found: list[tuple[int, str]] = []
    taken = [False] * len(text)
    for name in names:
        for m in re.finditer(re.escape(name), text):
            if not any(taken[m.start():m.end()]):
                found.append((m.start(), name))
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
    return list(dict.fromkeys(ALIASES.get(p, p) for _, p in sorted(found)))


def region_places(region: str) -> set[str]:
    """Every short place name a document region stands for, with its parents: '厦门市湖里区' → {湖里, 厦门, 福建}."""
    names = set(find_places(region))
    for name in list(names):
        names.update(parents(name))
    return names


def is_national(region: str) -> bool:
    return any(word in region for word in NATIONAL)
