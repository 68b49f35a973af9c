from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

urlpatterns = [
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # --- Shopify edge (Shopify engineer): /auth/, /app/, /webhooks/shopify, /api/shopify/ ---
    path("", include("shopify_app.routes")),
    # --- Video jobs (jobs engineer): /api/products, /api/jobs, /api/batches, /api/credits, /api/settings ... ---
    path("api/", include("videos.api.urls")),
]
