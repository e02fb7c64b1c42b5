"""The secret key when DJANGO_SECRET_KEY is not given: made once at random and kept in a file.

The portal ships no key of its own, so no server ever signs sessions, password-reset links or
import previews with a key printed in its source. A laptop, the tests and the command-line
contracts need no environment for it: the first process writes the file, every later one (and
every other process of the machine) reads the same key. Read by portal/settings.py, before
Django is set up: standard library only."""
import os
import secrets

from django.core.exceptions import ImproperlyConfigured


def secret_key_from_file(path):
    """The key kept in ``path``; a new random one written there (mode 600) if there is none.
    Two processes starting at once agree: only one creates the file (O_EXCL), the other reads it."""
    path = os.fspath(path)
    for _ in range(50):
        try:
            with open(path, encoding="ascii") as f:
                key = f.read().strip()
        except FileNotFoundError:
            key = None
        except OSError as exc:
            raise ImproperlyConfigured(f"DJANGO_SECRET_KEY_FILE {path} cannot be read: {exc}") from exc
        if key:
            return key
        if key is None:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                continue  # another process is writing it: read it again
            except OSError as exc:
                raise ImproperlyConfigured(
                    f"DJANGO_SECRET_KEY is not set and no key can be kept in {path} ({exc}): set "
                    "DJANGO_SECRET_KEY, or DJANGO_SECRET_KEY_FILE to a writable path") from exc
            key = secrets.token_urlsafe(50)
            with os.fdopen(fd, "w", encoding="ascii") as f:
                f.write(key + "\n")
            return key
        import time

        time.sleep(0.02)  # created but not written yet by another process
    raise ImproperlyConfigured(f"DJANGO_SECRET_KEY_FILE {path} stays empty: delete it or set DJANGO_SECRET_KEY")
