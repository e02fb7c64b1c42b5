"""The indicator catalog of DOMAIN.md §4. These codes are a contract: imports, the progress
command and outside checks use them. Plans may add their own (see plans/seeds/*.json)."""

CATALOG = [
    # code, name, kind, over time, unit
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
