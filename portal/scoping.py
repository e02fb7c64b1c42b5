"""Area scoping: the one place that decides what a user may see (DOMAIN.md §2).

A user belongs to one area and sees that area and everything in its lineage below it (an old
district of her province, an absorbed province, its communes). Every view starts its queries
from ``scoped(queryset, user)`` and fetches single objects with ``get_scoped_or_404``, so an
object outside the user's area is a 404 whether it is listed, opened, edited or exported.

A model says how it reaches its area with two class attributes:
    area_scope = "area"                 # the lookup path from the model to an Area
    scope_includes_ancestors = False    # True: also visible to users of areas it covers
                                        # (a province's plan is read by its communes' users)
"""
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Q
from django.http import Http404

from portal.models import Area, User


def area_q(user, lookup, include_ancestors=False):
    """A Q object for rows whose area (reached by ``lookup``) the user may see."""
    area = getattr(user, "area", None)
    if not getattr(user, "is_authenticated", False) or area is None:
        return Q(pk__in=[])
    prefix = f"{lookup}__" if lookup else ""
    q = Area.inside_q(area, lookup)
    if include_ancestors:
        q |= Q(**{f"{prefix}pk__in": area.ancestor_ids()})
    return q


def scoped(queryset, user):
    model = queryset.model
    if model is Area:
        return queryset.filter(area_q(user, ""))
    lookup = getattr(model, "area_scope", None)
    if lookup is None:
        raise ImproperlyConfigured(f"{model.__name__} declares no area_scope")
    return queryset.filter(area_q(user, lookup, getattr(model, "scope_includes_ancestors", False)))


def get_scoped_or_404(queryset, user, **lookup):
    try:
        return scoped(queryset, user).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404("Không tìm thấy, hoặc nằm ngoài địa bàn của bạn.") from None


def manageable_users(admin):
    """The accounts an administrator may list, edit, reset or deactivate: those of her area and
    below, never a superuser's or a staff account (they reach Django's admin), nor an account
    whose role ranks above hers. A superuser manages every account of her area."""
    users = scoped(User.objects.all(), admin)
    if getattr(admin, "is_superuser", False):
        return users
    return users.filter(is_superuser=False, is_staff=False).exclude(
        role__in=User.roles_above(admin.role))


def can_see_area(user, area):
    return getattr(user, "area", None) is not None and area.lies_in(user.area)


def require_role(user, *, admin=False, data_entry=False, review=False):
    """403 for a user whose role does not allow the action (the object is already in scope)."""
    allowed = (admin and user.is_portal_admin) or (data_entry and user.can_enter_data) or (
        review and user.can_review)
    if not allowed:
        raise PermissionDenied("Vai trò của bạn không được thực hiện thao tác này.")


def require_area(user):
    """403 for an account not yet given an area (it sees nothing and may do nothing)."""
    if getattr(user, "area", None) is None:
        raise PermissionDenied("Tài khoản chưa được gán địa bàn. Liên hệ quản trị viên.")


def require_inside(user, area):
    """403 for changing something the user may read but that belongs to an area above hers
    (a district administrator reads the province's plan but cannot edit it)."""
    if not can_see_area(user, area):
        raise PermissionDenied("Chỉ cấp ban hành mới được sửa nội dung này.")
