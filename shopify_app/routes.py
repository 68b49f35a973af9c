"""URLs of the Shopify edge (included from shopify_app/urls.py)."""

from django.urls import path

from shopify_app import views, webhooks

urlpatterns = [
    path("auth/install", views.install, name="shopify-auth-install"),
    path("auth/callback", views.callback, name="shopify-auth-callback"),
    path("app/", views.app_home, name="shopify-app-home"),
    path("app/generate", views.generate, name="shopify-app-generate"),
    path("app/bulk", views.bulk, name="shopify-app-bulk"),
    path("webhooks/shopify", webhooks.receive, name="shopify-webhooks"),
]
