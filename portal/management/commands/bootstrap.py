"""python manage.py bootstrap [--demo] — idempotent (DOMAIN.md §7).

Loads the map, the Đề án, the plans of shared/seeds with every numeric target, the indicator
catalog and the reporting periods; --demo adds one user per role and prints their log-ins.
"""
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cooperatives.services import refresh_classification
from plans.loader import load_plans
from portal.geo import load_map
from reporting.models import Period, standard_periods


class Command(BaseCommand):
    help = "Nạp bản đồ hành chính, Đề án, các kế hoạch và chỉ tiêu, kỳ báo cáo (chạy lại nhiều lần được)."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Thêm người dùng và dữ liệu mẫu.")
        parser.add_argument("--no-migrate", action="store_true", help="Không chạy migrate trước.")

    def handle(self, *args, demo=False, no_migrate=False, verbosity=1, **options):
        try:
            if not no_migrate:
                call_command("migrate", interactive=False, verbosity=0)
            with transaction.atomic():
                areas = load_map()
                plans = load_plans()
                periods = self._periods()
                classified = refresh_classification()  # managers' terms end without an edit
        except Exception as exc:  # the contract: non-zero exit, reason on stderr
            raise CommandError(f"bootstrap thất bại: {exc}") from exc
        self.stdout.write(f"map: {_fmt(areas)}")
        self.stdout.write(f"plans: {_fmt(plans)}")
        self.stdout.write(f"periods: {_fmt(periods)}")
        self.stdout.write(f"classification: changed {classified}")
        if demo:
            from portal.demo import DEMO_PASSWORD, ensure_demo_users

            rows = ensure_demo_users()
            self.stdout.write("demo users (password: %s):" % DEMO_PASSWORD)
            for user, created in rows:
                self.stdout.write(f"  {user.username:<16} {user.get_role_display():<28} "
                                  f"{user.area.name} ({user.area.code}){'' if created else ' [có sẵn]'}")
            from reporting.demo import demo_reports

            made = demo_reports(stdout=self.stdout)
            self.stdout.write(f"demo data (Lạng Sơn): cooperatives created {made['cooperatives']}, managers created "
                              f"{made['managers']}; reports created {made['reports']}, unchanged "
                              f"{made['reports_unchanged']}; values created {made['values']}")
            from reporting.demo import demo_khanh_hoa

            made = demo_khanh_hoa()
            self.stdout.write(f"demo data (Khánh Hòa 2019): reports created {made['reports']}, unchanged "
                              f"{made['reports_unchanged']}; values created {made['values']}; "
                              f"area groups created {made['groups']}")

    def _periods(self):
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        for values in standard_periods():
            code = values.pop("code")
            period, created = Period.objects.get_or_create(code=code, defaults=values)
            if created:
                counts["created"] += 1
            elif any(getattr(period, k) != v for k, v in values.items()):
                Period.objects.filter(pk=period.pk).update(**values)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        return counts


def _fmt(counts):
    return ", ".join(f"{k} {v}" for k, v in counts.items())
