from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


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
