"""/api/ routes (included from shopify_app/urls.py). Ids are matched as strings and looked
up per shop in the views, so an unknown or foreign id is a JSON 404 like any other."""

from django.urls import path

from videos.api import freshness_views, look_views, preview_views, product_views, schema, shop_views, views  # noqa: F401 (schema: auth)

urlpatterns = [
    path("products", views.ProductListView.as_view(), name="videos-api-products"),
    path("products/out-of-date", freshness_views.OutOfDateListView.as_view(), name="videos-api-products-out-of-date"),
    path("products/cards", product_views.ProductCardsView.as_view(), name="videos-api-product-cards"),
    path("products/<str:product_id>/template-previews", preview_views.TemplatePreviewsView.as_view(),
         name="videos-api-template-previews"),
    path("looks", look_views.LooksView.as_view(), name="videos-api-looks"),
    path("looks/<str:look_id>", look_views.LookSetView.as_view(), name="videos-api-look-set"),
    path("looks/<str:look_id>/pick", look_views.LookPickView.as_view(), name="videos-api-look-pick"),
    # The product as the Admin API has it (the Generate and Bulk pages), by its number.
    path("shopify/products/<int:product_id>", views.ProductDetailView.as_view(), name="videos-api-product"),
    path("jobs", views.JobListView.as_view(), name="videos-api-jobs"),
    path("jobs/<str:job_id>", views.JobDetailView.as_view(), name="videos-api-job"),
    path("jobs/<str:job_id>/cancel", views.JobCancelView.as_view(), name="videos-api-job-cancel"),
    path("jobs/<str:job_id>/retry", views.JobRetryView.as_view(), name="videos-api-job-retry"),
    path("jobs/<str:job_id>/publish", views.JobPublishView.as_view(), name="videos-api-job-publish"),
    path("jobs/<str:job_id>/edit", views.JobEditView.as_view(), name="videos-api-job-edit"),
    path("jobs/<str:job_id>/regenerate", freshness_views.JobRegenerateView.as_view(), name="videos-api-job-regenerate"),
    path("batches", views.BatchListView.as_view(), name="videos-api-batches"),
    path("batches/<str:batch_id>", views.BatchDetailView.as_view(), name="videos-api-batch"),
    path("credits", shop_views.CreditsView.as_view(), name="videos-api-credits"),
    path("settings", shop_views.SettingsView.as_view(), name="videos-api-settings"),
    path("settings/logo", shop_views.LogoView.as_view(), name="videos-api-settings-logo"),
    path("templates", shop_views.TemplatesView.as_view(), name="videos-api-templates"),
    path("music", shop_views.MusicView.as_view(), name="videos-api-music"),
    path("music/<str:name>/preview", shop_views.music_preview, name="videos-api-music-preview"),
    path("instructions/preview", shop_views.InstructionPreviewView.as_view(), name="videos-api-instruction-preview"),
    path("files/<str:token>", shop_views.stored_file, name="videos-api-file"),
    path("template-previews/<str:token>", preview_views.template_preview_file, name="videos-api-template-preview"),
]
