"""The Đề án's classification of a cooperative (DOMAIN.md §1). Plain functions, no database.

women-managed:  at least one woman holds a management role now (Chủ tịch HĐQT, thành viên
                HĐQT, Giám đốc, Tổng giám đốc, thành viên Ban kiểm soát / Kiểm soát viên; for
                a THT, its Tổ trưởng).
many jobs for women: more than 50 % of its workers are women (strictly: exactly half is not).
"""
import datetime
from dataclasses import dataclass

# Manager roles (codes stored in the database) and their Vietnamese names.
CHU_TICH_HDQT = "chu_tich_hdqt"
THANH_VIEN_HDQT = "thanh_vien_hdqt"
GIAM_DOC = "giam_doc"
TONG_GIAM_DOC = "tong_giam_doc"
THANH_VIEN_BKS = "thanh_vien_bks"
KIEM_SOAT_VIEN = "kiem_soat_vien"
TO_TRUONG_THT = "to_truong_tht"
ROLES = [
    (CHU_TICH_HDQT, "Chủ tịch HĐQT"),
    (THANH_VIEN_HDQT, "Thành viên HĐQT"),
    (GIAM_DOC, "Giám đốc"),
    (TONG_GIAM_DOC, "Tổng giám đốc"),
    (THANH_VIEN_BKS, "Thành viên Ban kiểm soát"),
    (KIEM_SOAT_VIEN, "Kiểm soát viên"),
    (TO_TRUONG_THT, "Tổ trưởng THT"),
]
MANAGEMENT_ROLES = {CHU_TICH_HDQT, THANH_VIEN_HDQT, GIAM_DOC, TONG_GIAM_DOC, THANH_VIEN_BKS,
                    KIEM_SOAT_VIEN, TO_TRUONG_THT}
FEMALE, MALE = "F", "M"


@dataclass(frozen=True)
class ManagerFacts:
    gender: str
    role: str
    from_date: datetime.date | None = None
    to_date: datetime.date | None = None

    def holds_office_on(self, day):
        return (self.from_date is None or self.from_date <= day) and (
            self.to_date is None or self.to_date >= day)


def is_women_managed(managers, on=None, kind="HTX"):
    """True when a woman holds a management role on the day (today by default); a Tổ trưởng
    counts in a THT only. cooperatives.services.women_managed_q is the same rule in SQL."""
    day = on or datetime.date.today()
    return any(m.gender == FEMALE and m.role in MANAGEMENT_ROLES and m.holds_office_on(day)
               and (m.role != TO_TRUONG_THT or kind == "THT") for m in managers)


def creates_many_jobs_for_women(workers, female_workers):
    """More than half of the workers are women; None when the workforce is unknown."""
    if workers is None or female_workers is None:
        return None
    return workers > 0 and female_workers * 2 > workers


def registration_code_error(code, kind):
    """Why a registration code is not acceptable, or None: an HTX's or a Liên hiệp HTX's code
    is its tax code, 10 digits (DOMAIN.md §1); a THT may not have one yet, so any code of up to
    20 characters does (it keeps it when it becomes an HTX)."""
    if kind in ("HTX", "LHHTX") and not (code.isascii() and code.isdigit() and len(code) == 10):
        return f"mã số HTX “{code}” phải là mã số thuế gồm 10 chữ số"
    if len(code) > 20:
        return f"mã “{code}” quá dài (tối đa 20 ký tự)"
    return None


EARLIEST_FOUNDING = datetime.date(1900, 1, 1)


def founding_date_error(day, today=None):
    """Why a founding date is not acceptable, or None: not in the future (today by default), not
    before 1900 (a typing slip such as 1025 for 2025; no cooperative of the registry is older)."""
    if day is None:
        return None
    if day > (today or datetime.date.today()):
        return f"ngày thành lập {day:%d/%m/%Y} ở tương lai"
    if day < EARLIEST_FOUNDING:
        return f"ngày thành lập {day:%d/%m/%Y} trước năm {EARLIEST_FOUNDING.year}: hãy kiểm tra lại năm"
    return None


def counts_under_de_an(women_managed, many_jobs):
    """The Đề án counts an HTX that is women-managed or creates many jobs for women."""
    return bool(women_managed) or bool(many_jobs)
