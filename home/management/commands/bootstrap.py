"""python manage.py bootstrap [--demo] — idempotent (DOMAIN.md §7).

Loads the map, the Đề án, the plans of shared/seeds with every numeric target, the indicator
catalog and the reporting periods; --demo adds one user per role and prints their log-ins.
Each app contributes its own steps (its ``bootstrap`` module); this command runs them in order.
"""
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cooperatives import bootstrap as cooperatives_bootstrap
from plans import bootstrap as plans_bootstrap
from portal import bootstrap as portal_bootstrap
from portal import dataversion
from reporting import bootstrap as reporting_bootstrap

# In the order of the output lines: map, plans, periods, classification.
LOAD_STEPS = [portal_bootstrap.load, plans_bootstrap.load, reporting_bootstrap.load, cooperatives_bootstrap.load]
DEMO_STEPS = [portal_bootstrap.demo, reporting_bootstrap.demo]


class Command(BaseCommand):
    help = "Nạp bản đồ hành chính, Đề án, các kế hoạch và chỉ tiêu, kỳ báo cáo (chạy lại nhiều lần được)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Thêm người dùng và dữ liệu mẫu.")
        parser.add_argument("--no-migrate", action="store_true", help="Không chạy migrate trước.")
        parser.add_argument("--seeds-report", action="store_true",
                            help="Chỉ liệt kê khác biệt giữa tệp seed và cơ sở dữ liệu (bản ghi quản trị đã sửa, "
                                 "đã thêm, không còn trong tệp seed); không ghi gì.")
        parser.add_argument("--allow-demo-in-production", action="store_true",
                            help="Cho phép --demo khi DJANGO_DEBUG=0 (máy chủ thật): tạo tài khoản mẫu "
                                 "với mật khẩu công khai. Chỉ dùng cho máy trình diễn.")

    def handle(self, *args, demo=False, no_migrate=False, verbosity=1, **options):
        if demo and settings.DECLARED_PRODUCTION and not options.get("allow_demo_in_production"):
            # before anything is written: the demo accounts' password is in the README
            raise CommandError(
                "bootstrap --demo từ chối chạy: DJANGO_DEBUG=0 (máy chủ thật). Tài khoản mẫu có mật khẩu "
                "công khai trong README. Tạo tài khoản quản trị đầu tiên bằng `python manage.py createadmin`; "
                "chỉ trên máy trình diễn mới thêm --allow-demo-in-production.")
        if options.get("seeds_report"):   # reads only: no migrate, no load, no refresh_sums
            self.stdout.write(plans_bootstrap.report())
            return
        try:
            if not no_migrate:
                call_command("migrate", interactive=False, verbosity=0)
            with transaction.atomic():
                lines = [load() for load in LOAD_STEPS]
                # the map, periods and plans are partly written in bulk (no signals); a deploy runs
                # bootstrap, so figures cached by the previous code are not served either
                dataversion.bump("bootstrap")
        except Exception as exc:  # the contract: non-zero exit, reason on stderr
            raise CommandError(f"bootstrap thất bại: {exc}") from exc
        for line in lines:
            self.stdout.write(line)
        if demo:
            for step in DEMO_STEPS:
                step(self.stdout)
        try:
            call_command("refresh_sums", stdout=self.stdout)   # the national sums of what is there
        except Exception as exc:
            raise CommandError(f"bootstrap thất bại: {exc}") from exc
