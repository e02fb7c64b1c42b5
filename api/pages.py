"""The page where a user makes, replaces or revokes her personal API token."""
from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from api.forms import RevokeTokenForm
from api.models import ApiToken
from api.tokens import issue_token, revoke_token

ISSUE, REVOKE = "issue", "revoke"


@require_http_methods(["GET", "POST"])
def token_page(request):
    new_key, revoke_form = None, RevokeTokenForm()
    if request.method == "POST":
        action = request.POST.get("do")
        if action == ISSUE:
            new_key = issue_token(request.user)
        elif action == REVOKE:
            revoke_form = RevokeTokenForm(request.POST)
            if revoke_form.is_valid():
                revoke_token(request.user)
                messages.success(request, _("Đã thu hồi mã truy cập API."))
                return redirect("api:token")
        else:
            return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
    response = render(request, "api/token.html", {
        "token": ApiToken.objects.filter(user=request.user).first(), "new_key": new_key,
        "revoke_form": revoke_form, "breadcrumbs": [(_("Mã truy cập API"), None)]})
    if new_key:
        response["Cache-Control"] = "no-store"  # the token is shown once; no copy in a cache
    return response
