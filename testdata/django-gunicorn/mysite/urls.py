from django.urls import path

from shop import views

urlpatterns = [
    path("work", views.work),
    path("metrics", views.metrics),
]
