"""/api/ routes of the jobs area (included from shopify_app/urls.py). Ids are matched as strings and looked
up per shop in the views, so an unknown or foreign id is a JSON 404 like any other."""

from django.urls import path

from videos.api import schema, shop_views, views  # noqa: F401 (schema registers the auth scheme)

urlpatterns = [
    path("products", views.ProductListView.as_view(), name="videos-api-products"),
    path("jobs", views.JobListView.as_view(), name="videos-api-jobs"),
    path("jobs/<str:job_id>", views.JobDetailView.as_view(), name="videos-api-job"),
    path("jobs/<str:job_id>/cancel", views.JobCancelView.as_view(), name="videos-api-job-cancel"),
    path("jobs/<str:job_id>/retry", views.JobRetryView.as_view(), name="videos-api-job-retry"),
    path("jobs/<str:job_id>/publish", views.JobPublishView.as_view(), name="videos-api-job-publish"),
    path("jobs/<str:job_id>/edit", views.JobEditView.as_view(), name="videos-api-job-edit"),
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
]
