from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from shopify_app import health

urlpatterns = [
    # Liveness and readiness for load balancers (exempt from the HTTPS redirect, see settings.py).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The Shopify edge: /auth/, /app/, /webhooks/shopify.
    path("", include("shopify_app.routes")),
    # The JSON API of the embedded UI: /api/products, /api/jobs, /api/batches, /api/credits, /api/settings ...
    path("api/", include("videos.api.urls")),
]
