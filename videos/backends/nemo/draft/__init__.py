"""Import and export of NemoVideo's compact draft format, so a cloud draft can be rendered locally and a
local spec can be sent to the cloud.

The vendor documents only the key names (docs/nemo-protocol.md §7): `t` tracks, `tt` track type
(0 video, 1 audio/BGM, 7 text), `sg` segments, `d` duration in ms, `m` metadata (draft root: `title`,
`width`, `height`). No real draft has been published, so the rest of the shape below is ours, and the
import is tolerant of the other spellings a cloud draft may use.

Our export (every time is in milliseconds: an int, or a decimal for sub-millisecond times)::

    {"d": 15000,
     "m": {"title": "Linen shirt", "width": 1080, "height": 1080, "fps": 30, "background": "#FFFFFF",
           "poster": 4000,                    # spec.poster_time, only when set
           "meta": {...}},                    # spec.metadata, verbatim
     "t": [
       {"tt": 0, "m": {"role": "video"}, "sg": [
          {"st": 0, "d": 3000, "m": {"type": "image", "src": "a.png", "motion": {"kind": "zoom_in", ...},
                                     "fit": "auto", "fill": null, "alt": "",
                                     "transition": {"kind": "cut", "d": 0}}},
          {"st": 2500, "d": 4000, "m": {"type": "clip", "src": "b.mp4", "trim": 0, "keep_audio": false,
                                        "volume": 1.0, "fit": "auto", "fill": null,
                                        "transition": {"kind": "crossfade", "d": 500}}}]},
       {"tt": 0, "m": {"role": "overlay"}, "sg": [     # our overlay track: a video-type track with a role
          {"st": 12000, "d": 3000, "m": {"type": "overlay", "src": "logo.png", "x": 0.5, "y": 0.3,
                                         "width": 0.3, "opacity": 1.0, "fade": 400}}]},
       {"tt": 7, "m": {"role": "text"}, "sg": [
          {"st": 0, "d": 3000, "m": {"type": "text", "text": "Linen shirt", "role": "title",
                                     "style": {...TextStyle fields; "animation_d" in ms...}}}]},
       {"tt": 1, "m": {"role": "audio"}, "sg": [
          {"st": 0, "d": 15000, "m": {"type": "audio", "src": "bed.mp3", "volume": 0.35, "trim": 0,
                                      "fade_in": 1000, "fade_out": 1500, "loop": true, "tempo": 120}}]}]}

Import accepts, besides the above:
- segment start as `st`, `s`, `start` or `b`; duration `d`, or an end `e`/`end`; missing draft `d` = the
  latest segment end; video segments in any order (they are sorted by start);
- source as `src`, `url`, `cdn_url` or `path` on the segment, or `m.src`/`m.source`/`m.url`/`m.cdn_url`/
  `m.path`. Every source goes through `resolve_source(source)`, which returns the source to use or None
  (keep it). A sandbox path (`/mnt/userdata/.../<filename>`, docs/nemo-protocol.md §7) must be resolved;
- text as `m.text`, `text`, `content` or `m.title`;
- volume as a gain 0-2 or a percentage (a number above 2, or a string such as "35%"): 35 means 0.35;
- image vs clip from `m.type` (image/photo/picture, clip/video) or else from the file extension;
- a transition as a dict `{"kind", "d"}` or a bare name ("fade"/"dissolve" mean crossfade); without a
  duration it lasts as long as the segment overlaps the previous one (no overlap: a cut);
- text colours by name ("white") and `position` words ("top-center"); style keys we do not know are
  dropped, since a cloud style vocabulary we cannot draw is not an error;
- tracks of another integer type (stickers, effects...) are skipped and listed in
  `spec.metadata["draft_skipped"]`.

A bad draft raises `videos.spec.SpecError` naming the draft field, e.g.
``t[0].sg[2].d: must be a positive number of milliseconds``.

Times round to the microsecond on the way through, so spec -> draft -> spec is exact for specs whose
times are whole microseconds (everything the composer makes).
"""

from videos.backends.nemo.draft.export import TRACK_TYPES, describe_spec, spec_to_draft
from videos.backends.nemo.draft.reader import (
    CLIP_EXTENSIONS,
    IMAGE_EXTENSIONS,
    SANDBOX_PREFIX,
    draft_to_spec,
    sandbox_filename,
)

__all__ = [
    "CLIP_EXTENSIONS",
    "IMAGE_EXTENSIONS",
    "SANDBOX_PREFIX",
    "TRACK_TYPES",
    "describe_spec",
    "draft_to_spec",
    "sandbox_filename",
    "spec_to_draft",
]
