"""Shared fixtures: the bootstrapped map and plans (loaded once per test database), and the
same users every time: an editor of a commune, a reviewer and an administrator of the
province, a user of an old district, and outsiders in another province."""
import datetime

import pytest
from django.core.management import call_command

from portal.models import Area, User

PASSWORD = "Mat-khau-thu-2026"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the map, the plans and the periods loaded (bootstrap)."""
    with django_db_blocker.unblock():
        call_command("bootstrap", no_migrate=True, verbosity=0, stdout=_Null())


class _Null:
    def write(self, *_):
        pass

    def flush(self):
        pass


def area(code, on=None):
    return Area.resolve(code, on=datetime.date.fromisoformat(on) if on else None)


def make_user(username, role, code, on=None):
    user = User.objects.create_user(username=username, password=PASSWORD, role=role, area=area(code, on),
                                    first_name=username)
    return user


@pytest.fixture
def users(db):
    """Same cast every time. Keys: commune_editor (Xã Thất Khê, Lạng Sơn), province_reviewer,
    province_leader, province_admin (Lạng Sơn), national_admin (VN), old_district_editor
    (Thành phố Lạng Sơn, before 1/7/2025), outsider_district (Thành phố Lai Châu, old) and
    outsider_admin (Hà Nội)."""
    R = User.Role
    return {
        "commune_editor": make_user("lan", R.DATA_ENTRY, "06040"),
        "province_reviewer": make_user("minh", R.REVIEWER, "20"),
        "province_leader": make_user("huong", R.LEADER, "20"),
        "province_admin": make_user("thao", R.ADMIN, "20"),
        "national_admin": make_user("tw", R.ADMIN, "VN"),
        "old_district_editor": make_user("mai", R.DATA_ENTRY, "178", "2025-06-30"),
        "outsider_district": make_user("laichau", R.DATA_ENTRY, "105", "2025-06-30"),
        "outsider_admin": make_user("hanoi", R.ADMIN, "01"),
    }


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client
    return login


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """PBKDF2's cost is for attackers, not for the suite (a test user costs 0.4 s otherwise)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a rollup cached by another test (same data version,
    since the test's transaction is rolled back) must not answer for this one's data."""
    from django.core.cache import cache

    cache.clear()
