from django.urls import path

from reporting import document_views
from reporting import progress_views as views

app_name = "progress"
urlpatterns = [
    path("", views.my_progress, name="mine"),
    path("<str:code>/", views.area_progress, name="area"),
    path("<str:code>/xuat.<str:fmt>", views.area_progress_export, name="export"),
    path("<str:code>/du-thao.pdf", views.area_progress_pdf, name="pdf"),
    path("<str:code>/ban-hanh/", document_views.issue, name="issue"),
]
