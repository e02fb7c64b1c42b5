"""The bell's number on every page: one COUNT on an index, for a signed-in user only, and only
when a template shows it (lazy: a PDF or an export costs nothing)."""
from django.utils.functional import SimpleLazyObject


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from notifications.services import unread_count

    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user))}
