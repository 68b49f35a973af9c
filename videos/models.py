"""Models of the videos app. Each package keeps its models in its own module; they are registered here."""

# --- the NemoVideo credential (videos/backends/nemo/models.py) ---
from videos.backends.nemo.models import NemoCredential

# --- jobs, batches, credits, shop video settings (videos/jobs/models.py) ---
from videos.jobs.models import CreditAccount, CreditEntry, JobBatch, ProductFreshness, ShopSettings, VideoJob

# --- look previews (videos/looks/models.py) ---
from videos.looks.models import LookSet

__all__ = ["LookSet", "CreditAccount", "CreditEntry", "JobBatch", "NemoCredential", "ProductFreshness", "ShopSettings", "VideoJob"]
