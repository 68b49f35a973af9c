"""The allowed values of the render settings, in a module light enough for Django's settings to import
(the encoder and pipeline modules load PyAV and OpenCV)."""

# How a render splits its work between threads; see videos/render/pipeline.py.
ARRANGEMENTS = ("compose_thread", "encode_thread", "serial")
# FFmpeg's AAC coders: "fast" costs a fraction of the CPU of "twoloop" (FFmpeg's default) at nearly the
# same quality on the library beds; README "Speed" keeps the latest figures.
AAC_CODERS = ("fast", "twoloop", "anmr")
