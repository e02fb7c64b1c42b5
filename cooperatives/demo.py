"""A registry of national size, generated: realistic, deterministic (seeded) cooperatives with
their managers, workforce and a few OCOP products, spread over the current communes.

    generate_registry(cooperatives=100_000, managers_per=3)   # ~100 000 + 300 000 rows
    delete_generated("98")

It exists to see the portal at the scale of the whole country (the list, the exports, the
reports) and to measure it (scripts/bench_registry_list.py); ``manage.py generate_registry``
and the demo command call it. Everything generated has a code starting with ``code_prefix``
("98" by default, 10 digits in all like a real HTX code), so it can be told apart and removed.

This is generated data, not anyone's edit: the rows are written with plain ``bulk_create`` in
batches (a few hundred INSERTs for 400 000 rows), so there is NO history record per row
(django-simple-history only records save() and delete()), no save() (``search_name`` is
therefore set here, with the same ``portal.text.search_key`` that save() uses) and no signal.
The two classifications are then computed once for the whole registry by
``services.refresh_classification()``, as for any other write. ``delete_generated`` removes the
rows with raw DELETEs for the same reason (no history record, no 400 000 objects in memory).

Runs on PostgreSQL and SQLite: no list of ids in an IN clause is longer than 900.
"""
import bisect
import datetime
import random
import time

from django.db import transaction

from cooperatives import rules
from cooperatives.models import Cooperative, Manager, OcopProduct, Training, Workforce
from cooperatives.services import refresh_classification
from portal.db import analyze
from portal.models import Area
from portal.text import search_key

BATCH = 5000                # rows per INSERT (PostgreSQL); Django lowers it on SQLite by itself
CHUNK = BATCH               # cooperatives generated and written at a time (memory stays flat)
IN_LIMIT = 900              # the longest list of ids we put in one IN clause (SQLite)
FIRST_DAY = datetime.date(2015, 1, 1)
DE_AN_START = datetime.date(2023, 1, 1)
WORKFORCE_YEARS = (2023, 2024, 2025)

K = Cooperative.Kind
S = Cooperative.Sector
ST = Cooperative.Status

KINDS = [(K.HTX, 74), (K.THT, 23), (K.LHHTX, 3)]
KIND_PREFIX = {K.HTX: ["HTX", "HTX", "HTX", "Hợp tác xã"], K.THT: ["THT", "THT", "Tổ hợp tác"],
               K.LHHTX: ["Liên hiệp HTX"]}
# Sector: weight, female share of the workers (mean), activities (in names), OCOP products.
SECTORS = {
    S.AGRICULTURE: (46, 0.52, ["Trồng rau an toàn", "Lúa gạo hữu cơ", "Chăn nuôi lợn đen", "Trồng chè Shan tuyết",
                               "Trồng cây ăn quả", "Dịch vụ nông nghiệp", "Trồng nấm", "Nuôi ong lấy mật",
                               "Trồng dược liệu", "Chăn nuôi gà đồi", "Trồng cà phê", "Trồng hoa"],
                    ["Gạo nếp cái hoa vàng", "Chè Shan tuyết", "Mật ong bạc hà", "Cà phê rang xay",
                     "Nấm linh chi", "Bưởi Diễn", "Trà hoa vàng", "Rau cải sấy"]),
    S.FORESTRY: (6, 0.40, ["Trồng quế", "Trồng hồi", "Lâm sản ngoài gỗ", "Trồng rừng sản xuất"],
                 ["Tinh dầu quế", "Hoa hồi khô", "Măng khô"]),
    S.FISHERY: (6, 0.38, ["Nuôi tôm", "Nuôi cá lồng", "Khai thác hải sản", "Chế biến nước mắm"],
                ["Nước mắm truyền thống", "Tôm khô", "Cá khô một nắng"]),
    S.HANDICRAFT: (9, 0.78, ["Dệt thổ cẩm", "Mây tre đan", "Thêu ren", "Gốm", "Dệt chiếu cói",
                             "Làm nón lá", "Làm hương"],
                   ["Khăn thổ cẩm", "Giỏ mây tre đan", "Tranh thêu tay", "Chiếu cói", "Nón lá"]),
    S.INDUSTRY: (4, 0.25, ["Xây dựng", "Cơ khí", "Sản xuất gạch không nung"], []),
    S.TRADE: (12, 0.60, ["Dịch vụ tổng hợp", "Thương mại dịch vụ", "Chế biến nông sản", "Bếp ăn tập thể"],
              ["Miến dong", "Bánh chưng", "Chả cá", "Tương bần"]),
    S.TOURISM: (3, 0.62, ["Du lịch cộng đồng", "Homestay", "Dịch vụ du lịch sinh thái"],
                ["Rượu men lá", "Bánh gai"]),
    S.TRANSPORT: (3, 0.15, ["Vận tải hành khách", "Vận tải hàng hóa"], []),
    S.CREDIT: (2, 0.55, ["Quỹ tín dụng nhân dân"], []),
    S.ENVIRONMENT: (4, 0.45, ["Vệ sinh môi trường", "Cấp nước sạch", "Thu gom rác thải"], []),
    S.OTHER: (5, 0.50, ["Dịch vụ điện năng", "Sản xuất kinh doanh tổng hợp"], []),
}
VILLAGES = ["Bản Mới", "Nà Pàn", "Đồng Tâm", "Tân Tiến", "Hòa Bình", "Thống Nhất", "Thành Công", "Quyết Thắng",
            "Hợp Thành", "Phú Cường", "An Phú", "Bình Minh", "Sông Xanh", "Hồng Phong", "Bản Chiềng", "Nà Sản",
            "Thôn Đông", "Thôn Trung", "Xuân Lộc", "Tân Lập"]
STATUSES = [(ST.ACTIVE, 88), (ST.SUSPENDED, 7), (ST.DISSOLVED, 5)]

FAMILY = [("Nguyễn", 36), ("Trần", 11), ("Lê", 9), ("Phạm", 7), ("Hoàng", 5), ("Phan", 4), ("Vũ", 4), ("Võ", 3),
          ("Huỳnh", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 2), ("Hồ", 2), ("Ngô", 1), ("Dương", 1), ("Lý", 1),
          ("Lương", 1), ("Nông", 1), ("Vi", 1), ("Hà", 1), ("Lò", 1), ("Đinh", 1), ("Triệu", 1), ("Bế", 1),
          ("Giàng", 1), ("Lục", 1)]
MIDDLE = {rules.FEMALE: ["Thị", "Thị", "Thị", "Thị Thu", "Thị Hồng", "Thị Thanh", "Thị Minh", "Thị Kim", "Ngọc",
                         "Thu", "Thanh", "Thị Bích", "Thị Mỹ"],
          rules.MALE: ["Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Công", "Xuân", "Ngọc", "Thanh",
                       "Mạnh", "Đình"]}
GIVEN = {rules.FEMALE: ["Hoa", "Lan", "Mai", "Hương", "Thảo", "Hạnh", "Hằng", "Hà", "Linh", "Trang", "Nga", "Nhung",
                        "Yến", "Phương", "Thủy", "Huyền", "Liên", "Tuyết", "Loan", "Dung", "Hiền", "Oanh", "Vân",
                        "Xuân", "Cúc", "Đào", "Ngân", "Thơm", "Gấm", "Sen", "Hồng", "Quyên"],
         rules.MALE: ["Nam", "Hùng", "Dũng", "Sơn", "Bình", "Tuấn", "Hải", "Long", "Thắng", "Cường", "Quân",
                      "Trung", "Tài", "Phúc", "Hiếu", "Khánh", "Toàn", "Thành", "Hòa", "Lâm", "Tùng", "Vinh"]}
ETHNICITIES = [("Kinh", 76), ("Tày", 5), ("Thái", 4), ("Mường", 3), ("Nùng", 3), ("H'Mông", 3), ("Khmer", 2),
               ("Dao", 2), ("Gia Rai", 1), ("Ê Đê", 1), ("Sán Dìu", 0.5), ("Chăm", 0.5), ("Hoa", 0.5)]
# Who holds what, by kind of cooperative: the i-th manager gets ROLE_ORDER[kind][i % len].
ROLE_ORDER = {
    K.HTX: [rules.GIAM_DOC, rules.CHU_TICH_HDQT, rules.KIEM_SOAT_VIEN, rules.THANH_VIEN_HDQT,
            rules.THANH_VIEN_HDQT, rules.THANH_VIEN_BKS],
    K.THT: [rules.TO_TRUONG_THT, rules.KIEM_SOAT_VIEN, rules.THANH_VIEN_BKS],
    K.LHHTX: [rules.TONG_GIAM_DOC, rules.CHU_TICH_HDQT, rules.THANH_VIEN_BKS, rules.THANH_VIEN_HDQT],
}
_DIVISION_WORDS = ("Xã ", "Phường ", "Đặc khu ", "Thị trấn ")


def _weighted(pairs):
    values = [v for v, _ in pairs]
    cum, total = [], 0
    for _, w in pairs:
        total += w
        cum.append(total)
    return values, cum


def _pick(rng, weighted):
    values, cum = weighted
    return values[bisect.bisect_right(cum, rng.random() * cum[-1])]


def _day_between(rng, first, last):
    if last <= first:
        return first
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _place(commune_name):
    for word in _DIVISION_WORDS:
        if commune_name.startswith(word) and not commune_name[len(word):].isdigit():  # not "Phường 1"
            return commune_name[len(word):]
    return commune_name


def _commune_rows(communes):
    """(id, name) of the communes to spread over, in a fixed order (the seed decides the rest)."""
    if communes is None:
        communes = Area.objects.current_map().filter(level=Area.Level.COMMUNE)
    if hasattr(communes, "values_list"):
        rows = list(communes.order_by("code", "pk").values_list("pk", "name"))
    else:
        rows = sorted(((a.pk, a.name) for a in communes), key=lambda r: r[0])
    if not rows:
        raise ValueError("Không có xã/phường nào để phân bổ HTX (chạy `manage.py bootstrap` trước).")
    return rows


def _write(stdout, text):
    if stdout is not None:
        stdout.write(text + ("" if text.endswith("\n") else "\n"))


class _Generator:
    def __init__(self, rng, today, managers_per, code_prefix, width):
        self.rng, self.today, self.managers_per = rng, today, managers_per
        self.code_prefix, self.width = code_prefix, width
        self.kinds = _weighted(KINDS)
        self.sectors = _weighted([(s, spec[0]) for s, spec in SECTORS.items()])
        self.statuses = _weighted(STATUSES)
        self.family = _weighted(FAMILY)
        self.ethnicities = _weighted(ETHNICITIES)
        self.code_digits = max(10 - len(code_prefix), len(str(width)))

    def cooperative(self, i, commune_id, commune_name):
        rng, today = self.rng, self.today
        kind = _pick(rng, self.kinds)
        sector = _pick(rng, self.sectors)
        if sector == S.CREDIT and kind != K.HTX:    # a people's credit fund is an HTX
            sector = S.AGRICULTURE
        activity = rng.choice(SECTORS[sector][2])
        place = _place(commune_name) if rng.random() < 0.7 else rng.choice(VILLAGES)
        prefix = "" if sector == S.CREDIT else rng.choice(KIND_PREFIX[kind]) + " "
        name = f"{prefix}{activity} {place} {i:0{self.width}d}"
        founded = _day_between(rng, FIRST_DAY, today)
        supported = rng.random() < 0.4
        status = _pick(rng, self.statuses)
        status_since = None
        if status != ST.ACTIVE:
            status_since = _day_between(rng, min(founded + datetime.timedelta(days=365), today), today)
        consolidated = (status == ST.ACTIVE and founded < DE_AN_START and rng.random() < 0.12)
        return Cooperative(
            code=f"{self.code_prefix}{i:0{self.code_digits}d}", name=name, search_name=search_key(name),
            kind=kind, commune_id=commune_id, founded_on=founded, sector=sector,
            hoi_supported_founding=supported,
            founding_supported_on=max(FIRST_DAY, founded - datetime.timedelta(days=rng.randint(0, 90)))
            if supported else None,
            hoi_supported_consolidation=consolidated,
            consolidation_supported_on=_day_between(rng, DE_AN_START, today) if consolidated else None,
            status=status, status_since=status_since)

    def workforce(self, coop):
        """One row per year 2023–2025 since the founding year; none for a cooperative founded later."""
        rng = self.rng
        if coop.kind == K.THT:
            members, workers = rng.randint(3, 30), rng.randint(2, 25)
        elif coop.kind == K.LHHTX:
            members, workers = rng.randint(4, 15), rng.randint(10, 200)
        else:
            members, workers = int(rng.lognormvariate(3.4, 0.7)) + 7, int(rng.lognormvariate(2.6, 0.8)) + 3
        share = min(0.98, max(0.02, rng.gauss(SECTORS[coop.sector][1], 0.18)))
        rows = []
        for year in WORKFORCE_YEARS:
            if year < coop.founded_on.year:
                continue
            members = max(3, members + rng.randint(-2, 4))
            workers = max(1, workers + rng.randint(-2, 3))
            f_workers = min(workers, max(0, round(workers * min(1.0, max(0.0, share + rng.gauss(0, 0.04))))))
            f_members = min(members, max(0, round(members * min(1.0, max(0.0, share + rng.gauss(0, 0.08))))))
            rows.append(Workforce(cooperative_id=coop.pk, year=year, members=members, female_members=f_members,
                                  workers=workers, female_workers=f_workers))
        return rows

    def person(self, gender):
        rng = self.rng
        return f"{_pick(rng, self.family)} {rng.choice(MIDDLE[gender])} {rng.choice(GIVEN[gender])}"

    def managers(self, coop):
        """managers_per rows: the roles of its kind in order; women more often in the sectors where
        women work; some terms already over (they no longer count as management)."""
        rng, today = self.rng, self.today
        women = 0.55 if SECTORS[coop.sector][1] >= 0.55 else 0.3
        order = ROLE_ORDER[coop.kind]
        names, rows = set(), []
        for j in range(self.managers_per):
            gender = rules.FEMALE if rng.random() < women else rules.MALE
            name = self.person(gender)
            while name in names:        # unique inside the cooperative (manager_unique)
                name = self.person(gender)
            names.add(name)
            from_date = to_date = None
            if rng.random() < 0.8:
                latest_start = min(today, coop.founded_on + datetime.timedelta(days=400))
                from_date = _day_between(rng, coop.founded_on, latest_start)
                if rng.random() < 0.1 and from_date < today - datetime.timedelta(days=60):
                    to_date = _day_between(rng, from_date + datetime.timedelta(days=30),
                                           today - datetime.timedelta(days=1))
            rows.append(Manager(cooperative_id=coop.pk, full_name=name, gender=gender,
                                birth_year=rng.randint(1958, 2000), ethnicity=_pick(rng, self.ethnicities),
                                role=order[j % len(order)], from_date=from_date, to_date=to_date))
        return rows

    def ocop(self, coop):
        rng = self.rng
        products = SECTORS[coop.sector][3]
        if not products or rng.random() >= 0.12:
            return []
        first_year = max(2019, coop.founded_on.year)
        return [OcopProduct(cooperative_id=coop.pk, name=name, stars=rng.choices((3, 4, 5), (60, 35, 5))[0],
                            year=rng.randint(first_year, self.today.year) if first_year <= self.today.year else None)
                for name in rng.sample(products, rng.choice((1, 1, 1, 2)))]


def _ids_by_code(codes):
    ids = {}
    for i in range(0, len(codes), IN_LIMIT):
        ids.update(Cooperative.objects.filter(code__in=codes[i:i + IN_LIMIT]).values_list("code", "pk"))
    return ids


def generated(code_prefix="98"):
    if not code_prefix:
        raise ValueError("code_prefix must not be empty (it would name every cooperative)")
    return Cooperative.objects.filter(code__startswith=code_prefix)


def generate_registry(*, cooperatives=100_000, managers_per=3, seed=1, communes=None, code_prefix="98",
                      stdout=None, replace=False):
    """Writes ``cooperatives`` cooperatives (codes ``code_prefix`` + a zero-padded number) with
    ``managers_per`` managers each, their workforce 2023–2025 (the years since their founding)
    and OCOP products for about one in eight, spread over ``communes`` (a queryset or list of
    communes; by default every commune of the current map, some busier than others).

    Deterministic: the same arguments (and the same map, and the same day: no date is in the
    future) give the same rows. Raises ValueError when cooperatives with the prefix exist
    already, unless ``replace`` (they are deleted first). One transaction: all or nothing.
    Returns the counts written and the seconds taken; ``stdout`` (anything with write()) gets
    the progress.
    """
    start = time.perf_counter()
    if cooperatives < 0 or managers_per < 0:
        raise ValueError("cooperatives and managers_per must not be negative")
    rng = random.Random(seed)
    today = datetime.date.today()
    rows = _commune_rows(communes)
    # Some communes have many cooperatives, most a few: a fixed weight per commune.
    weights = [rng.lognormvariate(0, 0.8) for _ in rows]
    places = rng.choices(rows, weights=weights, k=cooperatives)
    width = max(5, len(str(max(cooperatives - 1, 0))))
    gen = _Generator(rng, today, managers_per, code_prefix, width)
    counts = {"cooperatives": 0, "managers": 0, "workforce": 0, "ocop": 0, "deleted": {}}
    with transaction.atomic():
        if generated(code_prefix).exists():
            if not replace:
                raise ValueError(f"Đã có HTX mã {code_prefix}… (dữ liệu sinh trước đó): xóa trước (delete_generated).")
            counts["deleted"] = delete_generated(code_prefix)
        for lo in range(0, cooperatives, CHUNK):
            coops = [gen.cooperative(i, *places[i]) for i in range(lo, min(lo + CHUNK, cooperatives))]
            Cooperative.objects.bulk_create(coops, batch_size=BATCH)
            if any(c.pk is None for c in coops):   # a database that does not return ids from INSERT
                ids = _ids_by_code([c.code for c in coops])
                for c in coops:
                    c.pk = c.id = ids[c.code]
            workforce, managers, ocop = [], [], []
            for c in coops:
                workforce += gen.workforce(c)
                managers += gen.managers(c)
                ocop += gen.ocop(c)
            Workforce.objects.bulk_create(workforce, batch_size=BATCH)
            Manager.objects.bulk_create(managers, batch_size=BATCH)
            OcopProduct.objects.bulk_create(ocop, batch_size=BATCH)
            counts["cooperatives"] += len(coops)
            counts["workforce"] += len(workforce)
            counts["managers"] += len(managers)
            counts["ocop"] += len(ocop)
            _write(stdout, f"  {counts['cooperatives']:,}/{cooperatives:,} HTX, {counts['managers']:,} cán bộ quản lý "
                           f"({time.perf_counter() - start:.1f} s)")
        classify_start = time.perf_counter()
        counts["classified"] = refresh_classification()
        _write(stdout, f"  phân loại: {counts['classified']:,} HTX thay đổi "
                       f"({time.perf_counter() - classify_start:.1f} s)")
    analyze(Cooperative, Workforce, Manager, OcopProduct)  # the planner's statistics after a bulk load
    counts["seconds"] = round(time.perf_counter() - start, 2)
    return counts


def delete_generated(code_prefix="98", stdout=None):
    """Deletes the cooperatives whose code starts with ``code_prefix`` and their managers,
    workforce, OCOP products and training attendance; trainings keep existing. Raw DELETEs
    (subqueries, no list of ids): no history record per row, a handful of statements whatever
    the size. Returns how many rows of each went."""
    start = time.perf_counter()
    coops = generated(code_prefix)
    managers = Manager.objects.filter(cooperative__in=coops)
    attendance = Training.managers.through.objects.filter(manager__in=managers)
    counts = {}
    with transaction.atomic():
        for label, qs in (("training attendance", attendance), ("managers", managers),
                          ("workforce", Workforce.objects.filter(cooperative__in=coops)),
                          ("ocop", OcopProduct.objects.filter(cooperative__in=coops)),
                          ("cooperatives", coops)):
            counts[label] = qs._raw_delete(qs.db)
    _write(stdout, f"  đã xóa {counts['cooperatives']:,} HTX mã {code_prefix}…, {counts['managers']:,} cán bộ quản lý "
                   f"({time.perf_counter() - start:.1f} s)")
    return counts
