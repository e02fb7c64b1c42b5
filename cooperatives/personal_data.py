"""The rights of the people on record (Law 91/2025/QH15: to see, to correct, to have erased) and
retention, for the two kinds of person the registry holds: a cooperative's managers (name, sex,
birth year, ethnicity, office) and the Hội's cadres (name, sex, position), both trainees of the
Hội's courses. docs/personal-data.md; the ``personal_data`` command and the administrators'
pages (/hop-tac-xa/du-lieu-ca-nhan/) call these.

    find(name, area=None, user=None)      every record of a person of that name (with or without
                                          diacritics), in the area or the user's scope
    get(record_id, user=None)             one record, "QL-12" (a manager) or "CB-3" (a cadre)
    document(record)                      all the portal holds about it, for the person
    export(record, fmt)                   the same as JSON or XLSX bytes
    erase(record, reason=..., user=...)   anonymises it: name replaced, birth year, ethnicity
                                          (and a cadre's position) cleared, in its history too;
                                          sex, office, dates and trainings stay, so every count
                                          and figure of the cooperative stays as it was
    expire(today)                         the same for every manager whose term ended, or whose
                                          cooperative was dissolved, more than
                                          PERSONAL_DATA_RETENTION_YEARS ago (``manage.py daily``)

Every one of them that reads or changes person-level data writes the access log
(privacy.access.record).
"""
import datetime
import io
import json
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from cooperatives.models import Cadre, Cooperative, Manager
from portal.models import Area
from portal.scoping import scoped
from portal.spreadsheets import neutralise_workbook
from portal.text import search_key
from privacy import access
from privacy.models import AccessLog

PREFIXES = {"QL": Manager, "CB": Cadre}
SUBJECTS = {Manager: "manager", Cadre: "cadre"}
KINDS = {Manager: "Cán bộ quản lý HTX/THT", Cadre: "Cán bộ Hội"}


class PersonalDataError(Exception):
    """A Vietnamese message for the administrator (unknown id, already anonymised, no reason)."""


@dataclass
class Found:
    record_id: str
    kind: str
    full_name: str
    place: str          # the cooperative and commune, or the cadre's unit
    detail: str         # office or position, sex, birth year, ethnicity
    anonymised: bool
    obj: object


def record_id(obj):
    return f"{'QL' if isinstance(obj, Manager) else 'CB'}-{obj.pk}"


def _area_of(obj):
    return obj.cooperative.commune if isinstance(obj, Manager) else obj.area


def _managers(user=None, area=None):
    qs = Manager.objects.select_related("cooperative", "cooperative__commune", "cooperative__commune__parent")
    if user is not None:
        qs = scoped(qs, user)
    if area is not None:
        qs = qs.filter(Area.inside_q(area, "cooperative__commune"))
    return qs


def _cadres(user=None, area=None):
    qs = Cadre.objects.select_related("area")
    if user is not None:
        qs = scoped(qs, user)
    if area is not None:
        qs = qs.filter(Area.inside_q(area, "area"))
    return qs


def find(name, *, area=None, user=None, limit=200):
    """Records whose name contains ``name`` (diacritics and case ignored), managers first. The
    names are compared in Python (search_key), one pass over the names in scope: a person's
    request is rare, the registry's few hundred thousand names are read in about a second."""
    if re.fullmatch(r"(?i)\s*(QL|CB)-\d+\s*", name or ""):   # a record id: that record
        try:
            return [describe(get(name, user=user))]
        except PersonalDataError:
            return []
    key = search_key(name).strip()
    if len(key) < 2:
        raise PersonalDataError("Ghi ít nhất hai ký tự của họ tên.")
    found = []
    for model, qs in ((Manager, _managers(user, area)), (Cadre, _cadres(user, area))):
        ids = [pk for pk, full_name in qs.values_list("pk", "full_name").iterator(chunk_size=5000)
               if key in search_key(full_name)]
        for obj in qs.filter(pk__in=ids[:limit]).order_by("full_name", "pk"):
            found.append(describe(obj))
    return found[:limit]


def describe(obj):
    if isinstance(obj, Manager):
        coop = obj.cooperative
        place = f"{coop.name} ({coop.code}), {coop.commune.name}"
        detail = ", ".join(str(p) for p in (obj.get_role_display(), obj.get_gender_display(),
                                             obj.birth_year or "", obj.ethnicity) if p)
    else:
        place = obj.area.name
        detail = ", ".join(p for p in (obj.position, obj.get_gender_display()) if p)
    return Found(record_id(obj), KINDS[type(obj)], obj.full_name, place, detail, obj.anonymised_at is not None, obj)


def get(rid, *, user=None):
    """The record of an id such as "QL-12" (in the user's scope when a user is given)."""
    prefix, _sep, number = (rid or "").strip().upper().partition("-")
    if prefix not in PREFIXES or not number.isdigit():
        raise PersonalDataError(f"Mã hồ sơ {rid!r} không đúng: ghi QL-<số> (cán bộ quản lý) hoặc CB-<số> (cán bộ Hội).")
    model = PREFIXES[prefix]
    qs = _managers(user) if model is Manager else _cadres(user)
    obj = qs.filter(pk=int(number)).first()
    if obj is None:
        raise PersonalDataError(f"Không có hồ sơ {rid} (hoặc ngoài địa bàn).")
    return obj


def _date(value):
    return value.strftime("%d/%m/%Y") if value else ""


def document(obj):
    """Everything the portal holds about the person of this record, labelled in Vietnamese:
    the record, the cooperative or unit, the courses attended, when the record was changed,
    and who read it (the access log's entries naming it)."""
    rid = record_id(obj)
    doc = {"Mã hồ sơ": rid, "Loại hồ sơ": KINDS[type(obj)], "Họ và tên": obj.full_name,
           "Giới tính": obj.get_gender_display()}
    if isinstance(obj, Manager):
        coop = obj.cooperative
        doc.update({"Năm sinh": obj.birth_year or "", "Dân tộc": obj.ethnicity, "Chức vụ": obj.get_role_display(),
                    "Giữ chức vụ từ ngày": _date(obj.from_date), "Đến ngày": _date(obj.to_date),
                    "Hợp tác xã / tổ hợp tác": f"{coop.name} ({coop.code})",
                    "Xã/phường": coop.commune.name,
                    "Tỉnh/thành phố": coop.commune.parent.name if coop.commune.parent else ""})
        history = obj.history.order_by("history_date").values_list("history_date", "history_type")
        types = {"+": "tạo hồ sơ", "~": "sửa", "-": "xóa"}
        doc["Lịch sử hồ sơ"] = [{"Thời điểm": timezone.localtime(when).strftime("%d/%m/%Y %H:%M"),
                                 "Thay đổi": types.get(kind, kind)} for when, kind in history]
    else:
        doc.update({"Chức vụ": obj.position, "Đơn vị": obj.area.name,
                    "Làm công tác hỗ trợ KTTT, HTX": "Có" if obj.works_on_kttt else "Không",
                    "Đang công tác": "Có" if obj.active else "Không"})
    doc["Lớp đào tạo, tập huấn đã dự"] = [
        {"Tên lớp": t.title, "Từ ngày": _date(t.starts_on), "Đến ngày": _date(t.ends_on), "Đơn vị tổ chức": t.organiser}
        for t in obj.trainings.order_by("starts_on", "pk")]
    doc["Các lần dữ liệu được xem, xuất"] = [
        {"Thời điểm": timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M"), "Hoạt động": e.get_action_display(),
         "Mục đích": e.purpose} for e in _log_entries(obj)]
    doc["Ẩn danh hóa lúc"] = timezone.localtime(obj.anonymised_at).strftime("%d/%m/%Y %H:%M") if obj.anonymised_at else ""
    doc["Đơn vị kiểm soát dữ liệu"] = settings.PRIVACY_CONTROLLER
    doc["Ngày lập"] = timezone.localdate().strftime("%d/%m/%Y")
    return doc


def _log_entries(obj):
    entries = AccessLog.objects.filter(subject=SUBJECTS[type(obj)]).order_by("at", "pk")
    if connection.features.supports_json_field_contains:
        return list(entries.filter(records__contains=[obj.pk]))
    area = _area_of(obj)   # SQLite: the entries about its area and the areas above, read in Python
    lineage = Q(area__isnull=True) | Q(area__in=[area.pk, *area.ancestor_ids()])
    return [e for e in entries.filter(lineage) if obj.pk in (e.records or [])]


def export(obj, fmt, *, user=None, purpose="", where=""):
    """The person's document as ``(filename, mimetype, bytes)``; logged."""
    if fmt not in ("json", "xlsx"):
        raise PersonalDataError("Định dạng là json hoặc xlsx.")
    doc = document(obj)
    access.record(user, AccessLog.Action.SUBJECT_EXPORT, subject=SUBJECTS[type(obj)], ids=[obj.pk],
                  area=_area_of(obj), purpose=purpose or "cung cấp dữ liệu cho chủ thể dữ liệu", where=where)
    name = f"du-lieu-ca-nhan-{record_id(obj).lower()}-{datetime.date.today():%Y%m%d}.{fmt}"
    if fmt == "json":
        return name, "application/json", json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    wb = Workbook()
    ws = wb.active
    ws.title = "Hồ sơ"
    bold = Font(bold=True)
    for label, value in doc.items():
        if isinstance(value, list):
            continue
        ws.append([label, value])
        ws.cell(ws.max_row, 1).font = bold
    for label, rows in doc.items():
        if isinstance(rows, list):
            sheet = wb.create_sheet(label[:31])
            header = list(rows[0]) if rows else ["(không có)"]
            sheet.append(header)
            for cell in sheet[1]:
                cell.font = bold
            for row in rows:
                sheet.append([row[k] for k in header])
    ws.column_dimensions["A"].width = 32
    ws.column_dimensions["B"].width = 60
    buf = io.BytesIO()
    neutralise_workbook(wb).save(buf)
    return name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", buf.getvalue()


ANONYMOUS = "Đã ẩn danh ("


def placeholder(rid):
    return f"{ANONYMOUS}{rid})"


def erase(obj, *, reason, user=None, where=""):
    """Anonymises one record on the person's request (or an administrator's decision with a
    reason); returns the record. Sex, office, dates and trainings are kept: the cooperative's
    classification and every figure read from the registry stay the same."""
    reason = (reason or "").strip()
    if not reason:
        raise PersonalDataError("Ghi lý do (ví dụ: theo đơn yêu cầu ngày …).")
    model = type(obj)
    with transaction.atomic():
        obj = model.objects.select_for_update().get(pk=obj.pk)
        if obj.anonymised_at is not None:
            raise PersonalDataError(f"Hồ sơ {record_id(obj)} đã được ẩn danh hóa lúc "
                                    f"{timezone.localtime(obj.anonymised_at):%d/%m/%Y %H:%M}.")
        rid = record_id(obj)
        obj.full_name = placeholder(rid)
        obj.anonymised_at = timezone.now()
        if model is Manager:
            obj.birth_year, obj.ethnicity = None, ""
            obj._change_reason = "ẩn danh hóa"
            obj.save()
            # the earlier versions of the record held the same data
            Manager.history.filter(id=obj.pk).update(full_name=obj.full_name, birth_year=None, ethnicity="")
        else:
            obj.position = ""
            obj.save()
        access.record(user, AccessLog.Action.ERASE, subject=SUBJECTS[model], ids=[obj.pk], area=_area_of(obj),
                      purpose=reason, where=where)
    return obj


def retention_cutoff(today, years):
    """The day before which a term or a dissolution has expired (29/2 → 28/2)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def expired_managers(today=None, years=None):
    today = today or timezone.localdate()
    years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
    cutoff = retention_cutoff(today, years)
    return Manager.objects.filter(anonymised_at__isnull=True).filter(
        Q(to_date__lt=cutoff)
        | Q(cooperative__status=Cooperative.Status.DISSOLVED, cooperative__status_since__lt=cutoff))


def expire(today=None, years=None):
    """Anonymises every manager whose retention has run out; returns how many. Bulk updates
    (a few queries per thousand records) and one log entry per commune."""
    years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
    rows = list(expired_managers(today, years).values_list("pk", "cooperative__commune_id"))
    if not rows:
        return 0
    now = timezone.now()
    name = Concat(Value(f"{ANONYMOUS}QL-"), Cast("pk", CharField()), Value(")"))
    history_name = Concat(Value(f"{ANONYMOUS}QL-"), Cast("id", CharField()), Value(")"))
    by_commune = {}
    for pk, commune in rows:
        by_commune.setdefault(commune, []).append(pk)
    with transaction.atomic():
        for start in range(0, len(rows), 1000):
            ids = [pk for pk, _c in rows[start:start + 1000]]
            Manager.objects.filter(pk__in=ids).update(full_name=name, birth_year=None, ethnicity="", anonymised_at=now)
            Manager.history.filter(id__in=ids).update(full_name=history_name, birth_year=None, ethnicity="")
        areas = Area.objects.in_bulk(by_commune)
        for commune, ids in by_commune.items():
            access.record(None, AccessLog.Action.EXPIRE, subject="manager", ids=ids, area=areas.get(commune),
                          purpose=f"hết thời hạn lưu trữ {years} năm sau khi thôi giữ chức vụ hoặc HTX giải thể",
                          where="manage.py daily")
    return len(rows)
