from django.urls import path

from reporting import document_views as views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="list"),
    path("<int:pk>/", views.document_detail, name="detail"),
    path("<int:pk>/ban-in.pdf", views.document_pdf, name="pdf"),
]
