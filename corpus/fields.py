"""The labels of the metadata fields government sites put above a document (发布机构, 发文日期, 文号 …).

Shared by cleaning (a field line is not prose to join) and metadata extraction (which reads the fields).
"""

from __future__ import annotations

import re

ISSUER_LABELS = ("发文单位", "发文机关", "发文部门", "发布部门", "发布机构", "发文机构", "发布单位", "制发机关", "制定机关", "信息来源",
                 "文章来源", "来源")
ISSUING_LABELS = ("发文单位", "发文机关", "发文部门", "制发机关", "制定机关")  # who issued the document
SOURCE_LABELS = ("信息来源", "文章来源", "来源")  # the site that published the page, not always the issuer
DATE_LABELS = ("成文日期", "制发日期", "发表时间", "发布时间", "发布日期", "印发日期", "发文日期", "公布日期", "颁发时间", "颁布日期",
               "发文时间", "发表于", "日期", "时间")
FROM_LABELS = ("实施日期", "施行日期", "生效日期")
TITLE_LABELS = ("发文标题", "原标题", "标题", "名称")
NUMBER_LABELS = ("发文字号", "发文文号", "发布文号", "文件编号", "文件号", "文号")
ALL_LABELS = ISSUER_LABELS + DATE_LABELS + FROM_LABELS + TITLE_LABELS + NUMBER_LABELS + ("索引号", "失效时间")
# a gov-site metadata field: "发布日期:2023-07-19", "标  题 河南省人民政府关于…" (colon or spaces, spaced labels)
_LABELS = "|".join(r"\s*".join(label) for label in sorted(ALL_LABELS, key=len, reverse=True))
FIELD_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s|｜•/【])|(?<=\d{2}:\d{2}))("  # 备注/文号: one of two labels; 【公布日期】2020.05.11: a legal database's
    + _LABELS  # … and after a page's time: 2021-04-13 10:39文章来源:
    + r")\s*[:：】]?\s*"
)
# the next labelled field run on into a field's value: 来源:河源国家高新区时间:2022-03-09
NEXT_FIELD_RE = re.compile(rf"(?:{_LABELS})\s*[:：]")
