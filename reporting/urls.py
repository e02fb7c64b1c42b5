from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("mo/", views.report_open, name="open"),
    path("cho-duyet/", views.review_queue, name="queue"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/tra-lai/", views.report_return, name="return"),
    path("<int:pk>/duyet/", views.report_approve, name="approve"),
]
