from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the user chose English (language cookie from /i18n/setlang/).

    Django's own middleware follows the browser's Accept-Language, which would show English
    to a Vietnamese officer whose office machine came with an English browser."""

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PasswordChangeRequiredMiddleware:
    """An account whose password was set by someone else (an administrator creating or resetting
    it) must choose its own before doing anything else."""

    ALLOWED = ("password_change", "logout", "set_language")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in self.ALLOWED}
            if request.path not in allowed and not request.path_info.startswith(settings.STATIC_URL):
                return redirect(f"{reverse('password_change')}?next={request.get_full_path()}")
        return self.get_response(request)


NUL = "\x00"


def has_nul(request):
    """True when the path, the query string or a posted form field (name or value) holds a NUL
    character (\\x00, %00). PostgreSQL refuses NUL in text, so such input would end in a 500."""
    if NUL in request.path_info:
        return True
    sources = [request.GET]
    if request.method == "POST" and request.content_type in ("application/x-www-form-urlencoded",
                                                              "multipart/form-data"):
        sources.append(request.POST)
    return any(NUL in key or any(NUL in value for value in values)
               for source in sources for key, values in source.lists())


class RejectNulMiddleware:
    """A request with a NUL character in its path, query string or form answers 400 with a
    Vietnamese explanation, before any view or query sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            return render(request, "400.html", {"exception": _(
                "Địa chỉ hoặc dữ liệu gửi lên có ký tự không hợp lệ (ký tự NUL). Hãy nhập lại.")}, status=400)
        return self.get_response(request)
