"""python manage.py generate_demo --scale national|province [--seed N] [--province CODE]
                                [--through YEAR] [--cooperatives N] [--no-registry] [--replace | --delete]

Fills the database with generated reports to see and measure the portal at the scale of the
country (scripts/bench_progress.py): every area of the map — the provinces (the current ones,
and the absorbed ones' own reports while they existed), the 696 old districts and the 3 321
current communes — gets a report for every period it existed in (on the period's last day)
whose first day is today or earlier: old districts 2023-H1 to 2025-H1, communes from 2025 on.
Reports of periods that are over are approved, a few submitted, returned or still drafts;
those of the period under way are drafts or submitted (and a few approved). --through YEAR
(e.g. 2030: the Đề án's last year: 40 700 reports, about 0.93 million values nationally) fills
every period up to that year's annual report as if the year were over — the figures of the 2030 scale, dated
around their due dates (in the future), to see the pages with ``?ngay=`` after it. Each holds 23
figures, one for every indicator some plan sets a target for: the 11 of the catalog,
CHUYEN_MUC_TT (Lạng Sơn's plan) and Khánh Hòa's 11; each submission and review is a
ReportTransition dated like a real one. Then the
registry at its own issue's scale (100 000 cooperatives, 300 000 managers, codes 98…) through
cooperatives.demo.generate_registry, unless --no-registry.

--scale province: the same for one province (--province, default 20 Lạng Sơn), with a
registry of 3 000 cooperatives there (--cooperatives to change it).

Idempotent: it adds only the reports that are missing — an (area, period) that has a report
already, generated or not (bootstrap --demo's), is kept as it is — and leaves an existing
generated registry (codes 98…) alone; a second run creates nothing and says so. --replace
first deletes the reports it generated earlier (marked by their note) in the scale's areas;
--delete only deletes them. Generated data: bulk INSERTs in large batches, no per-row query,
no history record. The last line is
"generate_demo: reports N, values N, transitions N, kept N; cooperatives N, managers N in S s".
"""
import datetime
import math
import random
import time
from collections import Counter
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from plans.models import Indicator
from portal import dataversion
from portal.db import analyze
from portal.models import Area, province_on_path
from reporting import sums as province_sums
from reporting.models import (DEFAULT_DUE, FIRST_YEAR, Period, ProvinceSum, ProvinceSumState, Report, ReportTransition,
                              ReportValue)

S = Report.Status
GENERATED_NOTE = "Số liệu sinh tự động (generate_demo) để thử nghiệm, không phải số liệu thật."
BATCH = 5000
CHUNK = 5000   # reports generated, then written, at a time (100 000 values)
REGISTRY_PREFIX = "98"
NATIONAL_COOPERATIVES = 100_000
PROVINCE_COOPERATIVES = 3_000

# Per indicator: the yearly mean for one current commune (counts), or the mean denominator and
# the share (ratios). A district's territory is about five current communes; a province's own
# report holds its own level's work only. A 6-month report holds about half a year's flow.
COUNTS = {
    "HTX_MOI": 0.25, "THT_MOI": 0.6, "VIEC_LAM_NU_MOI": 6, "HTX_CUNG_CO": 0.1, "THT_CUNG_CO": 0.15,
    "LD_NU_ON_DINH_HTX": 5, "LD_NU_ON_DINH_THT": 11, "HO_NGHEO_PN_CHU_HO_HOI_GIUP_THOAT_NGHEO": 2,
    "HINH_THUC_TIET_KIEM_HIEU_QUA": 2,
}
RATIOS = {
    "HTX_THT_CUNG_CO_TL": (3, 0.8), "NU_QL_DAO_TAO_TL": (6, 0.86), "CB_HOI_TAP_HUAN_TL": (4, 0.92),
    "CB_HOI_KY_NANG_TL": (8, 0.83), "HO_NGHEO_THOAT_NGHEO_TL": (10, 0.72),
    "HO_NGHEO_PN_CHU_HO_THOAT_NGHEO_TL": (4, 0.78), "NO_QUA_HAN_THU_HOI_TL": (50, 0.33),
    "LAI_TON_THU_HOI_TL": (20, 0.41), "NO_CHIEM_DUNG_VAY_KE_THU_HOI_TL": (15, 0.52),
    "NO_QUA_HAN_TL": (2000, 0.004), "TO_TKVV_TOT_KHA_TL": (5, 0.9), "TV_TKVV_TIET_KIEM_TL": (60, 0.86),
    "CHI_HOI_TIET_KIEM_TL": (8, 0.95),
}
FLAGS = {"CHUYEN_MUC_TT"}   # 0 or 1: the area runs a column in its media
CODES = [*COUNTS, *RATIOS, *FLAGS]
LEVEL_SCALE = {Area.Level.PROVINCE: 3, Area.Level.DISTRICT: 4.8, Area.Level.COMMUNE: 1}
# Status of a report of a period that is over (weights) and of the period under way.
OVER = [(S.APPROVED, 940), (S.SUBMITTED, 30), (S.RETURNED, 15), (S.DRAFT, 15)]
UNDER_WAY = [(S.DRAFT, 60), (S.SUBMITTED, 30), (S.APPROVED, 10)]
RETURN_COMMENTS = ["Số việc làm mới chưa khớp danh sách lao động nữ, đề nghị rà soát.",
                   "Thiếu mẫu số của tỷ lệ cán bộ Hội được tập huấn.",
                   "Số HTX thành lập mới chưa khớp danh sách đăng ký, đề nghị kiểm tra lại."]


def _poisson(rng, lam):
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


class Command(BaseCommand):
    help = "Sinh báo cáo (và sổ HTX) thử nghiệm quy mô toàn quốc hoặc một tỉnh (chạy lại chỉ thêm phần còn thiếu)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["national", "province"], required=True,
                            help="national: cả nước; province: một tỉnh (--province).")
        parser.add_argument("--province", default="20", help="Mã tỉnh khi --scale province (mặc định 20 Lạng Sơn).")
        parser.add_argument("--seed", type=int, default=1, help="Hạt giống ngẫu nhiên (mặc định 1).")
        parser.add_argument("--cooperatives", type=int, default=None,
                            help=f"Số HTX sinh ra (mặc định {NATIONAL_COOPERATIVES:,} cả nước, "
                                 f"{PROVINCE_COOPERATIVES:,} một tỉnh).")
        parser.add_argument("--through", type=int, default=None, metavar="YEAR",
                            help="Sinh đến hết kỳ báo cáo năm YEAR (ví dụ 2030), như thể năm đó đã qua "
                                 "(mặc định: đến kỳ đang diễn ra).")
        parser.add_argument("--no-registry", action="store_true", help="Không sinh sổ HTX.")
        parser.add_argument("--replace", action="store_true",
                            help="Xóa báo cáo đã sinh trước đó (trong phạm vi) rồi sinh lại.")
        parser.add_argument("--delete", action="store_true", help="Chỉ xóa báo cáo đã sinh trước đó (trong phạm vi).")

    def handle(self, *args, scale, province, seed, cooperatives, no_registry, replace, delete, through=None,
               **options):
        self.verbosity = options.get("verbosity", 1)
        start = time.perf_counter()
        today = datetime.date.today()
        now = timezone.now()
        if through is not None:
            if not FIRST_YEAR <= through <= 2100:
                raise CommandError(f"--through {through}: ghi một năm từ {FIRST_YEAR}, ví dụ 2030.")
            # as if the last year were over: its annual report due, sent and reviewed
            today = max(today, datetime.date(through + 1, 1, 31))
            now = max(now, datetime.datetime.combine(today, datetime.time(12), tzinfo=datetime.UTC))
        root = self._root(scale, province)
        periods = Period.objects.filter(starts_on__lte=today, year__gte=FIRST_YEAR)  # the Đề án's years
        if through is not None:
            periods = periods.filter(year__lte=through)
        periods = list(periods.order_by("starts_on", "ends_on"))
        if not periods:
            raise CommandError("Chưa có kỳ báo cáo nào: chạy `python manage.py bootstrap` trước.")
        indicators = {i.code: i for i in Indicator.objects.filter(code__in=CODES)}
        missing = sorted(set(CODES) - set(indicators))
        if missing:
            raise CommandError(f"Thiếu chỉ tiêu {', '.join(missing)}: chạy `python manage.py bootstrap` trước.")
        # a stock (workers, savings groups) is a snapshot, not halved in a 6-month report
        self.stocks = {code for code, i in indicators.items() if i.over_time == Indicator.OverTime.STOCK}
        areas = list(Area.objects.inside(root).filter(level__in=[Area.Level.PROVINCE, Area.Level.DISTRICT,
                                                                  Area.Level.COMMUNE])
                     .order_by("level", "code", "valid_from").values_list("pk", "code", "level", "path", "valid_from",
                                                                          "valid_to"))
        with transaction.atomic():
            dataversion.bump("generate_demo")  # bulk writes and raw deletes send no signals
            if replace or delete:
                gone = self._delete(root)
                self.stdout.write(f"deleted: {gone['reports']} generated reports, {gone['values']} values, "
                                  f"{gone['transitions']} transitions ({time.perf_counter() - start:.1f} s)")
                if delete:
                    province_sums.rebuild()
                    return
            made = self._reports(areas, periods, indicators, seed, today, now)
            summed = time.perf_counter()
            groups = province_sums.rebuild()   # the national sums, every group anew
            summed = time.perf_counter() - summed
        # the planner's statistics after a bulk load
        analyze(Report, ReportValue, ReportTransition)
        analyze(ProvinceSum, ProvinceSumState, vacuum=True)   # index-only reads of the sums
        self.stdout.write(f"national sums: {groups:,} provinces × periods rebuilt ({summed:.1f} s)")
        self.stdout.write(f"reports: created {made['reports']:,} ({self._mix(made['statuses'])}), "
                          f"kept {made['kept']:,} existing; values {made['values']:,}; "
                          f"transitions {made['transitions']:,} ({made['seconds']:.1f} s)")
        registry = {"cooperatives": 0, "managers": 0}
        if not no_registry:
            registry = self._registry(scale, root, cooperatives, seed)
        total = time.perf_counter() - start
        self.stdout.write(f"generate_demo: reports {made['reports']}, values {made['values']}, "
                          f"transitions {made['transitions']}, kept {made['kept']}; "
                          f"cooperatives {registry['cooperatives']}, managers {registry['managers']} in {total:.1f} s")

    # -------------------------------------------------------------------------------------

    def _root(self, scale, province):
        try:
            if scale == "national":
                root = Area.objects.get(level=Area.Level.COUNTRY)
            else:
                root = Area.resolve(province)
        except (Area.DoesNotExist, Area.MultipleObjectsReturned):
            raise CommandError("Chưa có bản đồ hành chính (hoặc không có tỉnh này): chạy "
                               "`python manage.py bootstrap` trước.") from None
        if scale == "province" and root.level != Area.Level.PROVINCE:
            raise CommandError(f"{province} không phải mã tỉnh/thành phố.")
        if not Area.objects.inside(root).filter(level=Area.Level.COMMUNE).exists():
            raise CommandError("Bản đồ chưa có xã/phường: chạy `python manage.py bootstrap` trước.")
        return root

    def _mix(self, statuses):
        return ", ".join(f"{S(k).value} {v:,}" for k, v in sorted(statuses.items(), key=lambda kv: -kv[1]))

    def _delete(self, root):
        reports = Report.objects.filter(Area.inside_q(root, "area"), note=GENERATED_NOTE)
        values = ReportValue.objects.filter(report__in=reports)
        transitions = ReportTransition.objects.filter(report__in=reports)
        return {"values": values._raw_delete(values.db), "transitions": transitions._raw_delete(transitions.db),
                "reports": reports._raw_delete(reports.db)}

    def _reports(self, areas, periods, indicators, seed, today, now):
        """Every missing (area, period) report, written in chunks of CHUNK reports (their values
        and transitions with them), so that memory stays flat at the 2030 scale."""
        start = time.perf_counter()
        rng = random.Random(seed)
        area_ids = [a[0] for a in areas]
        existing = set()
        for i in range(0, len(area_ids), 900):  # no IN list longer than SQLite allows
            existing.update(Report.objects.filter(area_id__in=area_ids[i:i + 900], period__in=periods)
                            .values_list("area_id", "period_id"))
        made = {"reports": 0, "values": 0, "transitions": 0, "kept": 0, "statuses": Counter()}
        reports, figures = [], []
        provinces = Area.province_validity()
        for pk, code, level, path, valid_from, valid_to in areas:
            province = Area.province_id_of(path)
            activity = rng.lognormvariate(0, 0.45) * LEVEL_SCALE[level]
            for period in periods:
                if not ((valid_from is None or valid_from <= period.ends_on)
                        and (valid_to is None or valid_to >= period.ends_on)):
                    continue  # the area did not exist on the period's last day
                if (pk, period.pk) in existing:
                    made["kept"] += 1
                    continue
                status, sent, reviewed = self._workflow(rng, period, today, now)
                made["statuses"][status] += 1
                reports.append(Report(area_id=pk, province_id=province, period_id=period.pk, status=status,
                                      period_province_id=province_on_path(path, period.year, provinces),
                                      version=1 + (status != S.DRAFT) + (status in (S.APPROVED, S.RETURNED)),
                                      first_submitted_at=sent, submitted_at=sent,
                                      approved_at=reviewed if status == S.APPROVED else None,
                                      note=GENERATED_NOTE))
                figures.append((self._figures(rng, activity, level, period), reviewed))
            if len(reports) >= CHUNK:
                self._write(reports, figures, indicators, rng, made)
                self._phase(f"{made['reports']:,} reports written", start)
                reports, figures = [], []
        self._write(reports, figures, indicators, rng, made)
        if made["transitions"]:
            # ``at`` is auto_now_add: date each transition like the report's own dates, two UPDATEs
            # (the returned ones were dated in ``_write``).
            generated = ReportTransition.objects.filter(report__note=GENERATED_NOTE)
            generated.filter(to_status=S.SUBMITTED).update(
                at=Subquery(Report.objects.filter(pk=OuterRef("report_id")).values("submitted_at")[:1]))
            generated.filter(to_status=S.APPROVED).update(
                at=Subquery(Report.objects.filter(pk=OuterRef("report_id")).values("approved_at")[:1]))
        self._phase("transitions dated", start)
        made["seconds"] = time.perf_counter() - start
        return made

    def _write(self, reports, figures, indicators, rng, made):
        """One chunk: the reports, their values and transitions (bulk INSERTs)."""
        if not reports:
            return
        Report.objects.bulk_create(reports, batch_size=BATCH)
        if any(r.pk is None for r in reports):  # a backend that does not return ids
            ids = dict(((a, p), pk) for a, p, pk in Report.objects.filter(
                note=GENERATED_NOTE, area_id__in={r.area_id for r in reports}).values_list("area_id", "period_id", "pk"))
            for r in reports:
                r.pk = r.id = ids[(r.area_id, r.period_id)]
        values, transitions = [], []
        for report, (figs, reviewed) in zip(reports, figures):
            for code, fig in figs.items():
                ind = indicators[code]
                if isinstance(fig, tuple):
                    values.append(ReportValue(report_id=report.pk, indicator_id=ind.pk, numerator=fig[0],
                                              denominator=fig[1]))
                else:
                    values.append(ReportValue(report_id=report.pk, indicator_id=ind.pk, value=fig))
            if report.status != S.DRAFT:
                transitions.append(ReportTransition(report_id=report.pk, from_status=S.DRAFT,
                                                    to_status=S.SUBMITTED))
            if report.status in (S.APPROVED, S.RETURNED):
                transitions.append(ReportTransition(
                    report_id=report.pk, from_status=S.SUBMITTED, to_status=report.status,
                    comment=rng.choice(RETURN_COMMENTS) if report.status == S.RETURNED else ""))
        ReportValue.objects.bulk_create(values, batch_size=BATCH)
        ReportTransition.objects.bulk_create(transitions, batch_size=BATCH)
        # the returned ones (≈1.5 %) have no date of their own on the report: set one by one, in bulk
        reviewed = {r.pk: f[1] for r, f in zip(reports, figures) if r.status == S.RETURNED}
        returned = [t for t in transitions if t.to_status == S.RETURNED]
        for t in returned:
            t.at = reviewed[t.report_id]
        ReportTransition.objects.bulk_update(returned, ["at"], batch_size=500)
        made["reports"] += len(reports)
        made["values"] += len(values)
        made["transitions"] += len(transitions)

    def _phase(self, label, start):
        if self.verbosity >= 2:
            self.stdout.write(f"  {label}: {time.perf_counter() - start:.1f} s")

    def _workflow(self, rng, period, today, now):
        """(status, sent at, reviewed at) for a report of the period, dated around its due date."""
        month, day = DEFAULT_DUE[period.kind]
        due = datetime.date(period.year, month, day)
        over = due < today
        weights = OVER if over else UNDER_WAY
        status = rng.choices([s for s, _ in weights], [w for _, w in weights])[0]
        if status == S.DRAFT:
            return status, None, None
        if over:
            late = rng.random() < 0.1
            sent_day = due + datetime.timedelta(days=rng.randint(1, 30) if late else -rng.randint(0, 12))
        else:  # under way: sent in the last weeks
            sent_day = today - datetime.timedelta(days=rng.randint(1, 20))
        sent = datetime.datetime.combine(sent_day, datetime.time(rng.randint(7, 16), rng.randint(0, 59)),
                                         tzinfo=datetime.UTC)
        reviewed = None
        if status in (S.APPROVED, S.RETURNED):
            reviewed = min(sent + datetime.timedelta(days=rng.randint(1, 15), hours=rng.randint(0, 6)), now)
        return status, min(sent, now), reviewed

    def _figures(self, rng, activity, level, period):
        half = period.kind == Period.Kind.HALF_YEAR
        province_own = level == Area.Level.PROVINCE
        out = {}
        for code, mean in COUNTS.items():
            stock = code in self.stocks
            if province_own and code.startswith("LD_NU_ON_DINH"):
                continue  # the workers of cooperatives are counted where the cooperatives are
            lam = mean * activity * (1 if stock else (0.45 if half else 1))
            out[code] = Decimal(_poisson(rng, lam))
        for code, (den_mean, share) in RATIOS.items():
            den = max(1, _poisson(rng, den_mean * activity))
            p = min(1.0, max(0.0, rng.gauss(share, 0.08 if share > 0.05 else 0.002)))
            if code == "NO_QUA_HAN_TL":  # an amount (million đồng): two decimals
                den = Decimal(den).quantize(Decimal("0.01"))
                out[code] = ((den * Decimal(str(round(p, 5)))).quantize(Decimal("0.01")), den)
            else:
                out[code] = (Decimal(min(den, round(den * p))), Decimal(den))
        out["CHUYEN_MUC_TT"] = Decimal(1 if rng.random() < (0.9 if level != Area.Level.COMMUNE else 0.4) else 0)
        return out

    def _registry(self, scale, root, cooperatives, seed):
        from cooperatives.demo import generate_registry, generated
        from cooperatives.models import Manager

        have = generated(REGISTRY_PREFIX).count()
        if have:
            managers = Manager.objects.filter(cooperative__code__startswith=REGISTRY_PREFIX).count()
            self.stdout.write(f"registry: {have:,} generated cooperatives ({REGISTRY_PREFIX}…) and {managers:,} "
                              f"managers there already: kept (generate_registry --replace to make them again)")
            return {"cooperatives": 0, "managers": 0}
        n = cooperatives if cooperatives is not None else (
            NATIONAL_COOPERATIVES if scale == "national" else PROVINCE_COOPERATIVES)
        communes = None if scale == "national" else (
            Area.objects.current_map().inside(root).filter(level=Area.Level.COMMUNE))
        self.stdout.write(f"registry: generating {n:,} cooperatives and {n * 3:,} managers (codes {REGISTRY_PREFIX}…)")
        try:
            counts = generate_registry(cooperatives=n, managers_per=3, seed=seed, communes=communes,
                                       code_prefix=REGISTRY_PREFIX, stdout=self.stdout)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"registry: cooperatives {counts['cooperatives']:,}, managers {counts['managers']:,}, "
                          f"workforce {counts['workforce']:,}, ocop {counts['ocop']:,} ({counts['seconds']:.1f} s)")
        return counts
