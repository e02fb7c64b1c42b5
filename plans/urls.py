from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("them/", views.plan_edit, name="create"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/sua/", views.plan_edit, name="edit"),
    path("<int:pk>/muc-tieu/", views.plan_targets, name="targets"),
    path("<int:pk>/nhiem-vu/", views.plan_tasks, name="tasks"),
]
