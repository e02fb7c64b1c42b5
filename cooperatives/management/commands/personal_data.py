"""python manage.py personal_data find|export|erase — a person's rights from the command line
(docs/personal-data.md); the administrators' page /hop-tac-xa/du-lieu-ca-nhan/ does the same.

    personal_data find "Họ tên" [--area CODE]      every record of that name (QL-… managers, CB-… cadres)
    personal_data export ID FILE                   her data as JSON (FILE.json) or XLSX (FILE.xlsx)
    personal_data erase ID --reason "…"            anonymises the record (the counts stay)

Each export and erasure is written to the access log (the operator's system account: no user)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cooperatives import personal_data
from portal.models import Area


class Command(BaseCommand):
    help = "Quyền của chủ thể dữ liệu: tìm, xuất, ẩn danh hóa hồ sơ cá nhân (cán bộ quản lý HTX, cán bộ Hội)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        find = sub.add_parser("find", help="Tìm mọi hồ sơ theo họ tên (có hoặc không dấu)")
        find.add_argument("name")
        find.add_argument("--area", help="Mã tỉnh, huyện hoặc xã: chỉ trong địa bàn này")
        export = sub.add_parser("export", help="Ghi dữ liệu của một hồ sơ ra tệp .json hoặc .xlsx")
        export.add_argument("id", help="Mã hồ sơ: QL-<số> hoặc CB-<số>")
        export.add_argument("file")
        erase = sub.add_parser("erase", help="Ẩn danh hóa một hồ sơ")
        erase.add_argument("id")
        erase.add_argument("--reason", required=True, help="Lý do (ghi vào nhật ký)")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except personal_data.PersonalDataError as exc:
            raise CommandError(str(exc)) from None

    def _find(self, name, area=None, **_options):
        scope = None
        if area:
            try:
                scope = Area.resolve(area)
            except Area.DoesNotExist as exc:
                raise CommandError(str(exc)) from None
        found = personal_data.find(name, area=scope)
        for r in found:
            flag = " [đã ẩn danh]" if r.anonymised else ""
            self.stdout.write(f"{r.record_id}\t{r.full_name}{flag}\t{r.kind}\t{r.place}\t{r.detail}")
        self.stdout.write(f"found {len(found)}")

    def _export(self, id, file, **_options):
        path = Path(file)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in ("json", "xlsx"):
            raise CommandError("Tên tệp phải kết thúc bằng .json hoặc .xlsx.")
        record = personal_data.get(id)
        _name, _mime, data = personal_data.export(record, fmt, where="manage.py personal_data export")
        path.write_bytes(data)
        self.stdout.write(f"exported {personal_data.record_id(record)} to {path} ({len(data)} bytes)")

    def _erase(self, id, reason, **_options):
        record = personal_data.erase(personal_data.get(id), reason=reason, where="manage.py personal_data erase")
        self.stdout.write(f"anonymised {personal_data.record_id(record)}: {record.full_name}")
