"""An upgrade keeps the data (docs/releases.md): a database made by the previous release,
demo loaded and edited by an administrator, then upgraded the way a deploy does it, gives the
same progress figures and still holds every edit.

The previous release is the newest line of RELEASES (its git tag when the clone has it, else
the commit written there). It is exported into a temporary folder and its own manage.py runs
under this interpreter, on a fresh database: migrate, bootstrap --demo, the edits (manage.py
shell), progress --json. Then this tree runs what the web container runs when it starts
(deploy/start-web): migrate --noinput, bootstrap --no-migrate; and the same reads again.

The fresh database: on PostgreSQL when the suite's DATABASE_URL is postgres://... (a database
upgrade_<random> on that server, dropped at the end), else an SQLite file in a temporary folder.
"""
import datetime
import json
import os
import re
import secrets
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import databases

BASE_DIR = Path(__file__).resolve().parent.parent
RELEASES = BASE_DIR / "RELEASES"
RELEASE_LINE = re.compile(r"^(v\d+\.\d+\.\d+)\s+([0-9a-f]{40})\s+(\d{4}-\d{2}-\d{2})$")
SUBPROCESS_TIMEOUT = 600
MARK = "UPGRADE-JSON "          # the line of a shell script's output that carries its answer

# What the administrator changes with the previous release's code (plans/models.py and
# cooperatives/models.py of that tree): Lạng Sơn's plan, a target the seed sets, a target the
# seed does not have, a new user, a demo cooperative.
PLAN_KEY = "lang-son-2023"
EDITED_TARGET = {"indicator": "HTX_MOI", "milestone": 2025, "low": "18", "high": "24"}   # seed: 20-25
ADDED_TARGET = {"indicator": "HTX_CUNG_CO", "milestone": 2025, "form": "at_least", "low": "5"}
NEW_TITLE = "Kế hoạch thực hiện Đề án 01 trên địa bàn tỉnh Lạng Sơn (tên do quản trị viên sửa)"
NEW_USER = {"username": "upgrade_thu", "password": "Mat-khau-nang-cap-2026", "role": "reviewer",
            "area": "20", "email": "thu.upgrade@example.gov.vn"}
NEW_COOPERATIVE_NAME = "HTX Nâng cấp giữ dữ liệu Tràng Định"
PROGRESS_AREAS = ("20", "VN")
MILESTONE = "2025"

EDITS = f"""
import json
from decimal import Decimal
import plans.models
from plans.models import Indicator, Plan, Target
from cooperatives.models import Cooperative
from portal.models import Area, User

plan = Plan.objects.get(key={PLAN_KEY!r})
plan.title = {NEW_TITLE!r}
plan.full_clean()
plan.save()

target = plan.targets.get(indicator__code={EDITED_TARGET['indicator']!r}, milestone={EDITED_TARGET['milestone']},
                          per_unit="", area_group="")
seeded = [str(target.low), None if target.high is None else str(target.high)]
target.low, target.high = Decimal({EDITED_TARGET['low']!r}), Decimal({EDITED_TARGET['high']!r})
target.full_clean()
target.save()

indicator = Indicator.objects.get(code={ADDED_TARGET['indicator']!r})
assert not plan.targets.filter(indicator=indicator, milestone={ADDED_TARGET['milestone']}).exists(), \\
    "the seed already has the target this test adds"
added = Target(plan=plan, indicator=indicator, milestone={ADDED_TARGET['milestone']},
               form={ADDED_TARGET['form']!r}, low=Decimal({ADDED_TARGET['low']!r}), unit="HTX",
               wording="Củng cố ít nhất 05 HTX (mục tiêu do quản trị viên thêm)")
added.full_clean()
added.save()

User.objects.create_user(username={NEW_USER['username']!r}, password={NEW_USER['password']!r},
                         role={NEW_USER['role']!r}, area=Area.resolve({NEW_USER['area']!r}),
                         email={NEW_USER['email']!r}, first_name="Thu")

cooperative = Cooperative.objects.order_by("code").first()
sector = next(value for value, _ in Cooperative.Sector.choices if value != cooperative.sector)
cooperative.name = {NEW_COOPERATIVE_NAME!r}
cooperative.sector = sector
cooperative.full_clean()
cooperative.save()

print({MARK!r} + json.dumps({{"models_file": plans.models.__file__, "seeded_range": seeded,
                              "cooperative": cooperative.code, "sector": sector}}))
"""

# Read by both codes: what the edits left, and how many records of each kind there are.
READ = """
import json
from plans.models import Plan
from cooperatives.models import Cooperative, Manager
from portal.models import User
from reporting.models import Activity, Report, ReportValue

plan = Plan.objects.get(key={plan_key!r})
targets = sorted(([t.indicator.code, t.milestone, t.form, str(t.low), None if t.high is None else str(t.high),
                  t.per_unit, t.area_group] for t in plan.targets.select_related("indicator")), key=str)
user = User.objects.get(username={username!r})
cooperative = Cooperative.objects.get(code={cooperative!r})
counts = {{model.__name__: model.objects.count() for model in (Cooperative, Manager, User, Report, ReportValue, Activity)}}
print({mark!r} + json.dumps({{
    "title": plan.title, "targets": targets,
    "user": {{"role": user.role, "area": user.area.code, "email": user.email, "active": user.is_active,
              "password_ok": user.check_password({password!r})}},
    "cooperative": {{"name": cooperative.name, "sector": cooperative.sector,
                     "history": cooperative.history.count()}},
    "counts": counts,
}}))
"""


def recorded_releases():
    """RELEASES' lines: (version, commit, date), oldest first."""
    lines = [line.strip() for line in RELEASES.read_text(encoding="utf-8").splitlines()]
    releases = []
    for line in lines:
        if not line or line.startswith("#"):
            continue
        match = RELEASE_LINE.match(line)
        assert match, f"RELEASES: {line!r} is not 'vX.Y.Z <full commit hash> YYYY-MM-DD'"
        releases.append(match.groups())
    assert releases, "RELEASES names no release"
    return releases


def git(*args, **kwargs):
    return subprocess.run(["git", *args], cwd=BASE_DIR, capture_output=True, timeout=120, **kwargs)


def resolve(ref):
    """The commit a tag or hash names in this clone, or None."""
    try:
        found = git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", text=True)
    except FileNotFoundError:
        pytest.fail("git is not installed: the upgrade test needs the repository's history")
    return found.stdout.strip() if found.returncode == 0 else None


def previous_release():
    """(version, commit) of the newest release, which must be in this clone."""
    version, commit, _ = recorded_releases()[-1]
    tagged = resolve(f"refs/tags/{version}")
    if tagged:
        assert tagged == commit, f"the tag {version} is on {tagged}, RELEASES says {commit}"
        return version, tagged
    found = resolve(commit)
    if not found:
        pytest.fail(f"The previous release {version} ({commit}) is not in this clone: neither its tag nor "
                    f"its commit. A shallow clone cannot run the upgrade test: clone with the history "
                    f"(git fetch --unshallow, or fetch-depth: 0, plus git fetch --tags).")
    return version, found


@contextmanager
def fresh_database(folder):
    """The URL of an empty database on the suite's backend, removed afterwards."""
    if not databases.is_postgresql():
        yield f"sqlite:///{folder / 'upgrade.sqlite3'}", "sqlite"
        return
    name = f"upgrade_{secrets.token_hex(4)}"
    try:
        yield databases.create(name), "postgresql"
    finally:
        databases.drop(name)


class Runner:
    """manage.py of a tree, under this interpreter, on the fresh database; each run timed."""

    def __init__(self, env):
        self.env = env
        self.times = {}

    def __call__(self, tree, *args, label=None):
        command = [sys.executable, "manage.py", *args]
        started = time.monotonic()
        done = subprocess.run(command, cwd=tree, env=self.env, capture_output=True, text=True,
                              timeout=SUBPROCESS_TIMEOUT)
        self.times[label or " ".join(args[:2])] = round(time.monotonic() - started, 1)
        if done.returncode != 0:
            shown = " ".join(args) if args[0] != "shell" else f"the script of {label}"
            pytest.fail(f"manage.py {shown} (in {tree}) exited {done.returncode}\n"
                        f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}")
        return done.stdout

    def json(self, tree, *args, label=None):
        output = self(tree, *args, label=label)
        if args[0] == "shell":
            lines = [line for line in output.splitlines() if line.startswith(MARK)]
            assert len(lines) == 1, f"no answer from the shell script:\n{output[-3000:]}"
            output = lines[0][len(MARK):]
        return json.loads(output)


@pytest.fixture(scope="module")
def upgrade(tmp_path_factory):
    version, commit = previous_release()
    folder = tmp_path_factory.mktemp("upgrade")
    old = folder / "previous"
    old.mkdir()
    archive = git("archive", "--format=tar", commit)
    assert archive.returncode == 0, archive.stderr.decode()
    subprocess.run(["tar", "-x", "-C", str(old)], input=archive.stdout, check=True, timeout=120)
    (folder / "media").mkdir()
    as_of = datetime.date.today().isoformat()    # both codes answer for the same day

    with fresh_database(folder) as (url, backend):
        env = {key: value for key, value in os.environ.items()
               if key not in ("PYTHONPATH", "CACHE_URL", "DJANGO_SETTINGS_MODULE")}
        # a key of its own: without one the current code would keep a new key file in the tree
        env.update(DATABASE_URL=url, DJANGO_MEDIA_ROOT=str(folder / "media"), DJANGO_DEBUG="1",
                   DJANGO_SECRET_KEY=secrets.token_urlsafe(50), PYTHONDONTWRITEBYTECODE="1")
        manage = Runner(env)

        def progress(tree, area, label):
            return manage.json(tree, "progress", area, "--milestone", MILESTONE, "--as-of", as_of, "--json",
                               label=label)

        try:
            # The previous release: its database, its demo, an administrator's edits, its figures.
            manage(old, "migrate", "--noinput", label="old migrate")
            manage(old, "bootstrap", "--demo", "--no-migrate", label="old bootstrap --demo")
            edits = manage.json(old, "shell", "-c", EDITS, label="old edits")
            read = READ.format(plan_key=PLAN_KEY, username=NEW_USER["username"], password=NEW_USER["password"],
                               cooperative=edits["cooperative"], mark=MARK)
            before = {area: progress(old, area, f"old progress {area}") for area in PROGRESS_AREAS}
            state_before = manage.json(old, "shell", "-c", read, label="old read")

            # This tree, as the web container starts it (deploy/start-web).
            migrated = manage(BASE_DIR, "migrate", "--noinput", label="migrate --noinput")
            bootstrapped = manage(BASE_DIR, "bootstrap", "--no-migrate", label="bootstrap --no-migrate")
            after = {area: progress(BASE_DIR, area, f"progress {area}") for area in PROGRESS_AREAS}
            state_after = manage.json(BASE_DIR, "shell", "-c", read, label="read")
            plan = manage(BASE_DIR, "showmigrations", "--plan", label="showmigrations")
            makemigrations = subprocess.run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
                                            cwd=BASE_DIR, env=env, capture_output=True, text=True,
                                            timeout=SUBPROCESS_TIMEOUT)
        finally:
            print(f"\nupgrade {version} ({commit[:10]}) → this tree on {backend}, seconds: {manage.times}")
    return {"version": version, "commit": commit, "old": old, "backend": backend, "times": manage.times,
            "edits": edits, "before": before, "after": after, "state_before": state_before,
            "state_after": state_after, "migrated": migrated, "bootstrapped": bootstrapped,
            "showmigrations": plan, "makemigrations": makemigrations}


def differences(old, new, path="$", added=None):
    """Where the new output differs from the old one: every key the old one had, the same
    value. Keys only the new one has are listed in ``added`` (newer code may say more)."""
    found = []
    if isinstance(old, dict) and isinstance(new, dict):
        for key in old:
            if key not in new:
                found.append(f"{path}.{key}: gone (was {old[key]!r})")
            else:
                found += differences(old[key], new[key], f"{path}.{key}", added)
        if added is not None:
            added += [f"{path}.{key}" for key in new if key not in old]
    elif isinstance(old, list) and isinstance(new, list) and all(_coded(item) for item in old + new):
        then, now = ({item["code"]: item for item in items} for items in (old, new))
        found += [f"{path}[{code}]: gone (was {then[code]!r})" for code in then if code not in now]
        found += [f"{path}[{code}]: new ({now[code]!r})" for code in now if code not in then]
        if [code for code in then if code in now] != [code for code in now if code in then]:
            found.append(f"{path}: in another order: {list(then)} then, {list(now)} now")
        for code in then:
            if code in now:
                found += differences(then[code], now[code], f"{path}[{code}]", added)
    elif isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            found.append(f"{path}: {len(old)} items then, {len(new)} now: {old!r} → {new!r}")
        else:
            for index, (a, b) in enumerate(zip(old, new)):
                found += differences(a, b, f"{path}[{index}]", added)
    elif old != new:
        found.append(f"{path}: {old!r} then, {new!r} now")
    return found


def _coded(item):
    return isinstance(item, dict) and "code" in item


def deploy_output(upgrade):
    return f"\nthe deploy's bootstrap said:\n{upgrade['bootstrapped']}"


def test_previous_release_is_recorded_and_in_the_clone():
    """RELEASES' newest line names a commit this clone has; its tag, when fetched, agrees."""
    releases = recorded_releases()
    versions = [tuple(int(part) for part in version[1:].split(".")) for version, _, _ in releases]
    assert versions == sorted(set(versions)), "RELEASES: versions must grow, one line each"
    version, commit = previous_release()
    day = git("show", "-s", "--format=%cs", commit, text=True).stdout.strip()
    assert day == releases[-1][2], f"RELEASES: {version} is dated {releases[-1][2]}, its commit {day}"


def test_the_old_code_ran_from_the_export(upgrade):
    """The previous release's commands ran its own modules, not this tree's."""
    assert Path(upgrade["edits"]["models_file"]).resolve().is_relative_to(upgrade["old"].resolve())
    assert upgrade["edits"]["seeded_range"] == ["20.00", "25.00"]


@pytest.mark.parametrize("area", PROGRESS_AREAS)
def test_progress_figures_are_unchanged(upgrade, area):
    """progress AREA --milestone 2025 --json: every key the previous release printed, the same
    value (keys newer code adds are allowed, and printed)."""
    added = []
    found = differences(upgrade["before"][area], upgrade["after"][area], added=added)
    if added:
        print(f"\nprogress {area}: keys the current code adds: {added}")
    assert not found, f"progress {area} after the upgrade:\n" + "\n".join(found) + deploy_output(upgrade)


def test_the_edited_target_keeps_its_range(upgrade):
    edited = [t for t in upgrade["state_after"]["targets"]
              if t[0] == EDITED_TARGET["indicator"] and t[1] == EDITED_TARGET["milestone"] and not t[5] and not t[6]]
    assert [t[3:5] for t in edited] == [["18.00", "24.00"]], \
        f"{PLAN_KEY} {EDITED_TARGET['indicator']} {EDITED_TARGET['milestone']} after the upgrade: {edited}" \
        + deploy_output(upgrade)


def test_the_added_target_is_kept(upgrade):
    added = [t for t in upgrade["state_after"]["targets"]
             if t[0] == ADDED_TARGET["indicator"] and t[1] == ADDED_TARGET["milestone"]]
    assert [t[2:5] for t in added] == [["at_least", "5.00", None]], \
        f"the target an administrator added to {PLAN_KEY}: {added}" + deploy_output(upgrade)


def test_the_plans_targets_are_as_the_administrator_left_them(upgrade):
    found = differences(upgrade["state_before"]["targets"], upgrade["state_after"]["targets"])
    assert not found, f"{PLAN_KEY}'s targets:\n" + "\n".join(found) + deploy_output(upgrade)


def test_the_plans_title_is_kept(upgrade):
    assert upgrade["state_before"]["title"] == NEW_TITLE
    assert upgrade["state_after"]["title"] == NEW_TITLE, deploy_output(upgrade)


def test_the_added_user_can_still_log_in(upgrade):
    user = upgrade["state_after"]["user"]
    assert user == upgrade["state_before"]["user"]
    assert user == {"role": NEW_USER["role"], "area": NEW_USER["area"], "email": NEW_USER["email"],
                    "active": True, "password_ok": True}


def test_the_cooperative_edit_and_its_history_are_kept(upgrade):
    cooperative = upgrade["state_after"]["cooperative"]
    assert cooperative == upgrade["state_before"]["cooperative"]
    assert cooperative["name"] == NEW_COOPERATIVE_NAME and cooperative["sector"] == upgrade["edits"]["sector"]
    assert cooperative["history"] >= 1                 # the edit (the demo writes in bulk, no history)


def test_no_record_is_lost_or_added(upgrade):
    """The deploy's bootstrap (no --demo) neither removes nor adds cooperatives, managers,
    users, reports, report values or activities."""
    assert upgrade["state_after"]["counts"] == upgrade["state_before"]["counts"]


def test_the_schema_is_complete(upgrade):
    """After the upgrade every migration of this tree is applied, and the models need no new one."""
    plan = upgrade["showmigrations"].splitlines()
    assert plan and all(line.startswith("[X]") for line in plan if line.strip()), upgrade["showmigrations"]
    makemigrations = upgrade["makemigrations"]
    assert makemigrations.returncode == 0, \
        f"models changed without a migration:\n{makemigrations.stdout}{makemigrations.stderr}"


def test_a_clone_without_the_release_fails_not_skips(tmp_path, monkeypatch):
    """A shallow clone (neither the tag nor the commit) is a failure with the reason, never a skip."""
    releases = tmp_path / "RELEASES"
    releases.write_text(f"v99.0.0 {'0' * 40} 2030-01-01\n", encoding="utf-8")
    monkeypatch.setattr(f"{__name__}.RELEASES", releases)
    with pytest.raises(pytest.fail.Exception, match="is not in this clone"):
        previous_release()


def test_differences_name_what_changed():
    old = {"a": 1, "indicators": [{"code": "X", "v": 1}, {"code": "Y", "v": 2}]}
    new = {"a": 1, "b": 2, "indicators": [{"code": "X", "v": 3}, {"code": "Z", "v": 2}]}
    added = []
    assert differences(old, new, added=added) == [
        "$.indicators[Y]: gone (was {'code': 'Y', 'v': 2})", "$.indicators[Z]: new ({'code': 'Z', 'v': 2})",
        "$.indicators[X].v: 1 then, 3 now"]
    assert added == ["$.b"]
    assert differences(old, old) == []
