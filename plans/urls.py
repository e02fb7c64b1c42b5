from django.urls import path

from plans import allocation_views, views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("them/", views.plan_edit, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/sua/", views.plan_edit, name="edit"),
    path("<int:pk>/muc-tieu/", views.plan_targets, name="targets"),
    path("<int:pk>/nhiem-vu/", views.plan_tasks, name="tasks"),
    # Allocated targets (giao chỉ tiêu) and area groups: plans/allocation_views.py
    path("<int:pk>/muc-tieu/<int:target_pk>/giao/", allocation_views.target_allocate, name="target_allocate"),
    path("<int:pk>/muc-tieu/<int:target_pk>/giao/lich-su/", allocation_views.target_allocation_history,
         name="target_allocation_history"),
    path("<int:pk>/muc-tieu/<int:target_pk>/giao/mau.xlsx", allocation_views.target_allocate_template,
         name="target_allocate_template"),
    path("<int:pk>/muc-tieu/<int:target_pk>/giao/nhap/", allocation_views.target_allocate_import,
         name="target_allocate_import"),
    path("<int:pk>/muc-tieu/<int:target_pk>/giao/nhap/xac-nhan/", allocation_views.target_allocate_confirm,
         name="target_allocate_confirm"),
    path("nhom-dia-ban/<str:code>/", allocation_views.area_groups, name="area_groups"),
    path("nhom-dia-ban/<str:code>/mau.xlsx", allocation_views.area_groups_template, name="area_groups_template"),
    path("nhom-dia-ban/<str:code>/nhap/", allocation_views.area_groups_import, name="area_groups_import"),
    path("nhom-dia-ban/<str:code>/nhap/xac-nhan/", allocation_views.area_groups_confirm,
         name="area_groups_confirm"),
]
