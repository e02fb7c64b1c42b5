"""python manage.py generate_registry [--cooperatives N] [--managers-per K] [--seed S]
                                    [--code-prefix 98] [--replace] [--delete]

Fills the registry with generated, realistic cooperatives (cooperatives.demo.generate_registry):
100 000 cooperatives and 300 000 managers by default, spread over the current communes, codes
starting with the prefix. Generated data: written in bulk, without a history record per row.
--delete removes what an earlier run generated (same prefix) and stops; --replace removes it
first and generates again. The last line is
"generated: cooperatives N, managers N, workforce N, ocop N in S s".
"""
from django.core.management.base import BaseCommand, CommandError

from cooperatives.demo import delete_generated, generate_registry, generated


class Command(BaseCommand):
    help = "Sinh dữ liệu HTX thử nghiệm quy mô toàn quốc (mặc định 100 000 HTX, 300 000 cán bộ quản lý)."

    def add_arguments(self, parser):
        parser.add_argument("--cooperatives", type=int, default=100_000, help="Số HTX (mặc định 100 000).")
        parser.add_argument("--managers-per", type=int, default=3, help="Số cán bộ quản lý mỗi HTX (mặc định 3).")
        parser.add_argument("--seed", type=int, default=1, help="Hạt giống ngẫu nhiên (cùng hạt giống, cùng dữ liệu).")
        parser.add_argument("--code-prefix", default="98", help="Mã HTX sinh ra bắt đầu bằng chuỗi này (mặc định 98).")
        parser.add_argument("--replace", action="store_true", help="Xóa dữ liệu đã sinh (cùng tiền tố) rồi sinh lại.")
        parser.add_argument("--delete", action="store_true", help="Chỉ xóa dữ liệu đã sinh (cùng tiền tố).")

    def handle(self, *args, cooperatives, managers_per, seed, code_prefix, replace, delete, **options):
        if not code_prefix or not code_prefix.isdigit():
            raise CommandError("--code-prefix phải là chữ số, ví dụ 98.")
        if delete:
            counts = delete_generated(code_prefix, stdout=self.stdout)
            self.stdout.write(f"deleted: cooperatives {counts['cooperatives']}, managers {counts['managers']}, "
                              f"workforce {counts['workforce']}, ocop {counts['ocop']}")
            return
        if cooperatives < 0 or managers_per < 0:
            raise CommandError("--cooperatives và --managers-per không được âm.")
        if not replace and generated(code_prefix).exists():
            raise CommandError(f"Đã có HTX mã {code_prefix}… từ lần sinh trước: dùng --replace để sinh lại "
                               f"hoặc --delete để xóa.")
        try:
            counts = generate_registry(cooperatives=cooperatives, managers_per=managers_per, seed=seed,
                                       code_prefix=code_prefix, stdout=self.stdout, replace=replace)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"generated: cooperatives {counts['cooperatives']}, managers {counts['managers']}, "
                          f"workforce {counts['workforce']}, ocop {counts['ocop']} in {counts['seconds']} s")
