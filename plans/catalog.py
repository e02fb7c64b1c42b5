"""The indicator catalog of DOMAIN.md §4. These codes are a contract: imports, the progress
command and outside checks use them. Plans may add their own (see plans/seeds/*.json)."""

CATALOG = [
    # code, name, kind, over time, unit; SHORT_NAMES: the column headers' and charts' names
    ("HTX_MOI", "HTX do phụ nữ tham gia quản lý, tạo việc làm cho lao động nữ được tư vấn, hỗ trợ "
                "thành lập mới", "count", "flow", "HTX"),
    ("THT_MOI", "Tổ hợp tác được vận động, hỗ trợ thành lập mới", "count", "flow", "THT"),
    ("VIEC_LAM_NU_MOI", "Việc làm mới tạo ra cho lao động nữ", "count", "flow", "lao động"),
    ("HTX_CUNG_CO", "HTX được củng cố, nâng cao chất lượng hoạt động", "count", "flow", "HTX"),
    ("THT_CUNG_CO", "THT được củng cố, nâng cao chất lượng hoạt động", "count", "flow", "THT"),
    ("HTX_THT_CUNG_CO_TL", "Tỷ lệ HTX, THT do Hội hỗ trợ thành lập được củng cố", "ratio", "stock", "%"),
    ("LD_NU_ON_DINH_HTX", "Lao động nữ có việc làm ổn định trong HTX", "count", "stock", "lao động"),
    ("LD_NU_ON_DINH_THT", "Lao động nữ có việc làm ổn định trong THT", "count", "stock", "lao động"),
    ("NU_QL_DAO_TAO_TL", "Tỷ lệ nữ quản lý HTX được đào tạo, bồi dưỡng", "ratio", "stock", "%"),
    ("CB_HOI_TAP_HUAN_TL", "Tỷ lệ cán bộ Hội làm công tác hỗ trợ KTTT, HTX được tập huấn",
     "ratio", "stock", "%"),
    ("CB_HOI_KY_NANG_TL", "Tỷ lệ cán bộ Hội các cấp được nâng cao kỹ năng tuyên truyền, vận động",
     "ratio", "stock", "%"),
]

SHORT_NAMES = {
    "HTX_MOI": "HTX mới",
    "THT_MOI": "THT mới",
    "VIEC_LAM_NU_MOI": "Việc làm nữ mới",
    "HTX_CUNG_CO": "HTX củng cố",
    "THT_CUNG_CO": "THT củng cố",
    "HTX_THT_CUNG_CO_TL": "Tỷ lệ HTX/THT củng cố",
    "LD_NU_ON_DINH_HTX": "LĐ nữ ổn định (HTX)",
    "LD_NU_ON_DINH_THT": "LĐ nữ ổn định (THT)",
    "NU_QL_DAO_TAO_TL": "Tỷ lệ nữ QL được đào tạo",
    "CB_HOI_TAP_HUAN_TL": "Tỷ lệ CB Hội tập huấn",
    "CB_HOI_KY_NANG_TL": "Tỷ lệ CB Hội nâng kỹ năng",
}


def short_name(code, name, given=""):
    """The short name of an indicator: the one given (a seed's "short_name", SHORT_NAMES), else
    the full name cut at a word boundary to at most 32 characters, with "…"."""
    given = (given or SHORT_NAMES.get(code, "")).strip()
    if given:
        return given[:40]
    name = " ".join((name or "").split())
    if len(name) <= 32:
        return name or code
    cut = name[:32].rsplit(" ", 1)[0].rstrip(" ,;:(/")
    return cut + "…"
