"""The command-line side of the all-or-nothing spreadsheet imports (DOMAIN.md §7), shared by
`import_cooperatives` and `import_submissions`: a missing file, a failure or any bad row is a
non-zero exit with the reasons on stderr; success ends with the importer's summary line."""
from pathlib import Path

from django.core.management.base import CommandError

from portal.spreadsheet_limits import TooLarge, check_workbook


def run_import(command, importer, file, *, dry_run=False, **options):
    path = Path(file)
    if not path.is_file():
        raise CommandError(f"Không tìm thấy tệp {file}")
    try:
        check_workbook(path)  # before parsing: a file that would expand past the limits is refused at once
    except TooLarge as exc:
        raise CommandError(f"Không nhập được {file}: {exc}") from exc
    try:
        result = importer(path, dry_run=dry_run, **options)
    except CommandError:
        raise
    except Exception as exc:  # an unreadable file, a database failure: reason on stderr
        raise CommandError(f"Không nhập được {file}: {exc}") from exc
    if result.errors:
        for error in result.errors:
            command.stderr.write(str(error))
        raise CommandError(f"{len(result.errors)} lỗi: không ghi dữ liệu nào. Sửa tệp rồi nhập lại.")
    if dry_run:
        command.stdout.write("Chạy thử (--dry-run): chưa ghi gì; nếu nhập thật sẽ:")
    command.stdout.write(result.summary())
    return result
