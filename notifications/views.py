"""The user's notifications (/thong-bao/: opening the list marks what it shows as read) and her
e-mail choice (/tai-khoan/thong-bao/). Each user sees only her own notifications."""
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from notifications.forms import EmailPreferenceForm
from notifications.models import Notification
from notifications.services import mark_read

PAGE_SIZE = 30


@require_safe
def notification_list(request):
    page = Paginator(Notification.objects.filter(recipient=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    unread = {n.pk for n in shown if n.read_at is None}
    mark_read(request.user, shown)
    return render(request, "notifications/list.html", {
        "page": page, "notifications": shown, "unread": unread,
        "breadcrumbs": [(_("Thông báo"), None)]})


@require_http_methods(["GET", "POST"])
def email_settings(request):
    form = EmailPreferenceForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Đã lưu cách nhận thông báo."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {
        "form": form, "breadcrumbs": [(_("Thông báo"), None), (_("Nhận thư thông báo"), None)]})
