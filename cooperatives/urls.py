from django.urls import path

from cooperatives import import_views, privacy_views, views

app_name = "cooperatives"
urlpatterns = [
    path("", views.cooperative_list_view, name="list"),
    path("xuat.<str:fmt>", views.cooperative_export, name="export"),
    path("them/", views.cooperative_edit, name="create"),
    path("can-bo-quan-ly/", privacy_views.managers, name="managers"),
    path("du-lieu-ca-nhan/", privacy_views.requests, name="personal_data"),
    path("du-lieu-ca-nhan/<str:rid>/xuat.<str:fmt>", privacy_views.request_export, name="personal_data_export"),
    path("du-lieu-ca-nhan/<str:rid>/an-danh/", privacy_views.request_erase, name="personal_data_erase"),
    path("nhap/", import_views.import_upload, name="import"),
    path("nhap/xac-nhan/", import_views.import_confirm, name="import_confirm"),
    path("mau-nhap.xlsx", import_views.import_template, name="import_template"),
    path("<int:pk>/", views.cooperative_detail, name="detail"),
    path("<int:pk>/sua/", views.cooperative_edit, name="edit"),
    path("<int:pk>/lich-su/", views.cooperative_history, name="history"),
    path("<int:pk>/can-bo/them/", views.part_edit, {"part": "managers"}, name="manager_add"),
    path("<int:pk>/can-bo/<int:child_pk>/", views.part_edit, {"part": "managers"}, name="manager_edit"),
    path("<int:pk>/can-bo/<int:child_pk>/xoa/", views.part_delete, {"part": "managers"}, name="manager_delete"),
    path("<int:pk>/lao-dong/them/", views.part_edit, {"part": "workforce"}, name="workforce_add"),
    path("<int:pk>/lao-dong/<int:child_pk>/", views.part_edit, {"part": "workforce"}, name="workforce_edit"),
    path("<int:pk>/lao-dong/<int:child_pk>/xoa/", views.part_delete, {"part": "workforce"},
         name="workforce_delete"),
    path("<int:pk>/ocop/them/", views.part_edit, {"part": "ocop"}, name="ocop_add"),
    path("<int:pk>/ocop/<int:child_pk>/", views.part_edit, {"part": "ocop"}, name="ocop_edit"),
    path("<int:pk>/ocop/<int:child_pk>/xoa/", views.part_delete, {"part": "ocop"}, name="ocop_delete"),
    path("dao-tao/", views.training_list, name="trainings"),
    path("dao-tao/them/", views.training_edit, name="training_create"),
    path("dao-tao/<int:pk>/", views.training_detail, name="training"),
    path("dao-tao/<int:pk>/sua/", views.training_edit, name="training_edit"),
    path("can-bo-hoi/", views.cadre_list, name="cadres"),
    path("can-bo-hoi/them/", views.cadre_edit, name="cadre_create"),
    path("can-bo-hoi/<int:pk>/sua/", views.cadre_edit, name="cadre_edit"),
]
