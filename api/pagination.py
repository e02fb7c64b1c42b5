from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination

from cooperatives.views import MirroredPaginator


class Pagination(PageNumberPagination):
    """?page=N (from 1) and ?page_size= up to 500; the response carries count, next, previous."""
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = _("Không có trang này.")


class CooperativePagination(Pagination):
    """The cooperative list's paginator: a deep page of 100 000 rows costs what the first does."""
    page_size = 50
    django_paginator_class = MirroredPaginator
