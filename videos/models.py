"""Models of the videos app. Each area keeps its models in its own package and registers them here."""

# --- cloud-backend area: the NemoVideo credential (videos/backends/nemo/models.py) ---
from videos.backends.nemo.models import NemoCredential

# --- jobs area: jobs, batches, credits, shop video settings (videos/jobs/models.py) ---
from videos.jobs.models import CreditAccount, CreditEntry, JobBatch, ShopSettings, VideoJob

__all__ = ["CreditAccount", "CreditEntry", "JobBatch", "NemoCredential", "ShopSettings", "VideoJob"]
