"""python manage.py refresh_sums — rebuild the national sums of every province and period from
the reports (reporting.sums). The portal keeps them current by itself (every change marks its
group, the request that made it rebuilds it); this is for a database restored or edited by hand,
or a group whose rebuild failed (a page adds such a group up from the reports meanwhile, so
figures are never wrong, only slower). bootstrap and generate_demo run it."""
import time

from django.core.management.base import BaseCommand

from portal.db import analyze
from reporting import sums
from reporting.models import ProvinceSum, ProvinceSumState


class Command(BaseCommand):
    help = "Tính lại tổng số liệu theo tỉnh, kỳ (dùng cho trang tiến độ toàn quốc) từ các báo cáo."

    def handle(self, *args, **options):
        start = time.perf_counter()
        built = sums.rebuild()
        analyze(ProvinceSum, ProvinceSumState, vacuum=True)   # index-only reads of the sums
        total, current = sums.state()
        self.stdout.write(f"refresh_sums: {built:,} provinces × periods rebuilt, {current:,} of {total:,} current "
                          f"({time.perf_counter() - start:.1f} s)")
