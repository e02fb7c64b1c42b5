"""Small builders for registry rows (keyword-only, sensible defaults)."""
import datetime
import itertools

from cooperatives import rules
from cooperatives.models import Cadre, Cooperative, Manager, Training, Workforce
from portal.models import Area

_codes = itertools.count(4900000001)


def coop(commune="06040", *, kind=Cooperative.Kind.HTX, name=None, founded_on=datetime.date(2024, 3, 1),
         hoi_supported_founding=True, workforce=None, **extra):
    code = extra.pop("code", None) or str(next(_codes))
    c = Cooperative.objects.create(code=code, name=name or f"HTX thử {code}", kind=kind,
                                   commune=Area.resolve(commune), founded_on=founded_on,
                                   hoi_supported_founding=hoi_supported_founding, **extra)
    if workforce:
        year, workers, female = workforce
        Workforce.objects.create(cooperative=c, year=year, members=max(workers, 5), female_members=female,
                                 workers=workers, female_workers=female)
    return c


def manager(cooperative, *, role=rules.GIAM_DOC, gender=rules.FEMALE, name=None, **extra):
    return Manager.objects.create(cooperative=cooperative, role=role, gender=gender,
                                  full_name=name or f"Người {Manager.objects.count() + 1}", **extra)


def training(area="20", *, starts_on=datetime.date(2024, 5, 6), managers=(), cadres=()):
    t = Training.objects.create(title="Tập huấn quản trị HTX", starts_on=starts_on, ends_on=starts_on,
                                organiser="Hội LHPN tỉnh", area=Area.resolve(area))
    t.managers.add(*managers)
    t.cadres.add(*cadres)
    return t


def cadre(area="06040", **extra):
    return Cadre.objects.create(full_name=extra.pop("full_name", "Cán bộ Hội"), area=Area.resolve(area), **extra)
