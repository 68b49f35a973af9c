"""The local renderer: draws a `videos.spec.VideoSpec` into an MP4 (H.264 + AAC) with PyAV."""
