"""The base layer's steps of `python manage.py bootstrap` (home/management/commands/bootstrap.py):
the administrative map, and with --demo one user per role. Each app has such a module; a
``load()`` returns its line of bootstrap's output, a ``demo(stdout)`` prints its own."""
from portal.geo import load_map


def fmt_counts(counts):
    """{"created": 1, "updated": 0, "unchanged": 2} -> "created 1, updated 0, unchanged 2"."""
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def load():
    """The map, old and current (idempotent): "map: created N, updated N, unchanged N"."""
    return f"map: {fmt_counts(load_map())}"


def demo(stdout):
    """One demo user per role; prints their log-ins (the password is the same for all)."""
    from portal.demo import DEMO_PASSWORD, ensure_demo_users

    rows = ensure_demo_users()
    stdout.write("demo users (password: %s):" % DEMO_PASSWORD)
    for user, created in rows:
        stdout.write(f"  {user.username:<16} {user.get_role_display():<28} "
                     f"{user.area.name} ({user.area.code}){'' if created else ' [có sẵn]'}")
