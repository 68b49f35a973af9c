"""Showreel's product: the video spec, the composer, the renderers and the jobs."""
