"""URLs of the Shopify edge (included from shopify_app/urls.py)."""

from django.urls import path

from shopify_app import api, views, webhooks

urlpatterns = [
    path("auth/install", views.install, name="shopify-auth-install"),
    path("auth/callback", views.callback, name="shopify-auth-callback"),
    path("app/", views.app_home, name="shopify-app-home"),
    path("app/generate", views.generate, name="shopify-app-generate"),
    path("app/bulk", views.bulk, name="shopify-app-bulk"),
    path("webhooks/shopify", webhooks.receive, name="shopify-webhooks"),
    path("api/shopify/session", api.SessionView.as_view(), name="shopify-api-session"),
    path("api/shopify/products", api.ProductListView.as_view(), name="shopify-api-products"),
    path("api/shopify/products/<int:product_id>", api.ProductDetailView.as_view(), name="shopify-api-product"),
]
