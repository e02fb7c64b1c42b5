from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from portal.area_search import ERAS as ERAS_SEARCH
from portal.area_search import search_areas
from portal.forms import LoginForm, OwnPasswordChangeForm, UserForm
from portal.models import LAST_OLD_DAY, Area
from portal.scoping import get_scoped_or_404, manageable_users, require_role

PAGE_SIZE = 50


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    """Every user changes her own password (and must, after an administrator set it)."""
    form_class = OwnPasswordChangeForm
    template_name = "portal/password_change.html"

    def get_success_url(self):
        return self._next() or reverse("home")

    def _next(self):
        target = self.request.POST.get("next") or self.request.GET.get("next") or ""
        if url_has_allowed_host_and_scheme(target, allowed_hosts={self.request.get_host()}):
            return target
        return None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Đã đổi mật khẩu."))
        return response

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, nav="account", next=self._next() or "",
                                        forced=self.request.user.must_change_password,
                                        breadcrumbs=[(_("Đổi mật khẩu"), None)])


# The map ---------------------------------------------------------------------------------

ERAS = {"hien-nay": None, "truoc-2025": LAST_OLD_DAY}


@require_safe
def map_index(request):
    era = request.GET.get("ky", "hien-nay")
    if era not in ERAS:
        era = "hien-nay"
    provinces = Area.objects.filter(level=Area.Level.PROVINCE)
    provinces = provinces.old_map() if ERAS[era] else provinces.current_map()
    provinces = provinces.select_related("successor").annotate(n_children=Count("children")).order_by("code")
    return render(request, "portal/map_index.html", {
        "nav": "map", "era": era, "provinces": provinces,
        "breadcrumbs": [(_("Bản đồ hành chính"), None)],
    })


@require_safe
def map_unit(request, pk):
    # The map is public reference data (GSO codes): every signed-in user may browse all of it.
    unit = get_object_or_404(Area.objects.select_related("parent", "successor"), pk=pk)
    children = unit.children.select_related("successor").order_by("code")
    q = request.GET.get("q", "").strip()
    if q:
        children = children.filter(Q(name__icontains=q) | Q(code__startswith=q))
    page = Paginator(children, 100).get_page(request.GET.get("page"))
    crumbs = [(_("Bản đồ hành chính"), reverse("map"))]
    crumbs += [(a.name, reverse("map_unit", args=[a.pk])) for a in unit.ancestors() if a.level > 0]
    crumbs.append((unit.name, None))
    return render(request, "portal/map_unit.html", {
        "nav": "map", "unit": unit, "page": page, "q": q, "breadcrumbs": crumbs,
        "predecessors": unit.predecessors.order_by("code"),
    })


@require_safe
def area_search(request):
    """The area pickers' suggestions (portal.area_search) as JSON: ?q=hoa tham&level=1,3&era=
    current|old|all; only the user's scope, or the whole (public) map with scope=0."""
    levels = [int(v) for v in request.GET.get("level", "").split(",") if v.strip().isascii() and v.strip().isdigit()]  # not "²"
    era = request.GET.get("era", "all")
    user = None if request.GET.get("scope") == "0" else request.user
    results = search_areas(request.GET.get("q", "")[:100], user=user, levels=levels,
                           era=era if era in ERAS_SEARCH else "all")
    return JsonResponse({"results": results})


# Users (administrators, within their own area) ------------------------------------------

@require_safe
def user_list(request):
    require_role(request.user, admin=True)
    users = manageable_users(request.user).select_related("area").order_by("area__path", "username")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(Q(username__icontains=q) | Q(last_name__icontains=q) |
                             Q(first_name__icontains=q) | Q(area__name__icontains=q))
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "portal/user_list.html", {
        "nav": "users", "page": page, "q": q, "breadcrumbs": [(_("Người dùng"), None)]})


@require_http_methods(["GET", "POST"])
def user_edit(request, pk=None):
    user = get_scoped_or_404(manageable_users(request.user), request.user, pk=pk) if pk else None
    require_role(request.user, admin=True)
    form = UserForm(request.POST or None, instance=user, admin=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("Đã lưu người dùng %(name)s.") % {"name": saved.username})
        return redirect("users")
    title = _("Sửa người dùng") if user else _("Thêm người dùng")
    return render(request, "portal/user_form.html", {
        "nav": "users", "form": form, "title": title,
        "breadcrumbs": [(_("Người dùng"), reverse("users")), (title, None)]})
