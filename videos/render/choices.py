"""The allowed values of the render settings, in a module light enough for Django's settings to import
(the encoder and pipeline modules load PyAV and OpenCV)."""

# How a render splits its work between threads; see videos/render/pipeline.py.
ARRANGEMENTS = ("compose_thread", "encode_thread", "serial")
# FFmpeg's AAC coders: "twoloop" (its default) spent 0.29 s of CPU on 15 s of music here, "fast" 0.11 s,
# within 1 dB SNR on four of the five library beds at 160 kb/s (3.5 dB lower on the fifth); see README.
AAC_CODERS = ("fast", "twoloop", "anmr")
