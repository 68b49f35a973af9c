"""Changing an existing spec: take it apart into what it was made from (its ingredients and options) and
assemble it again with new options, so every edit ("make it vertical", "remove the music") keeps all of
the composer's guarantees: beat-snapped cuts, exact length, text inside the safe area for the new aspect.

Specs the composer made carry their ingredients in `metadata`; for any other spec they are read back from
its segments (photos, clips, texts by role, music), with the "clean" template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from videos.composer.brand import BrandSettings, ComposeOptions, options_from_dict
from videos.composer.compose import Clip, Ingredients, Media, assemble
from videos.composer.errors import ComposeError
from videos.composer.product import ProductImage, ProductVideo
from videos.composer.shots import analyse_photo, clip_length
from videos.composer.textplan import TextPlan
from videos.music.library import bed_name
from videos.spec import VideoSpec


def spec_ingredients(spec: VideoSpec) -> tuple[Ingredients, ComposeOptions]:
    meta = spec.metadata or {}
    if meta.get("composer") and isinstance(meta.get("options"), dict):
        brand = _brand(meta.get("brand") or {})
        media = [_media(item) for item in meta.get("media") or []]
        texts = TextPlan(**{k: v for k, v in (meta.get("texts") or {}).items() if k in TextPlan.__dataclass_fields__})
        return Ingredients(media, texts, brand), options_from_dict(meta["options"])
    return _read_back(spec)


def rebuild(spec: VideoSpec, **changes: Any) -> VideoSpec:
    """The spec again with some options changed, e.g. rebuild(spec, aspect="9:16", music="none")."""
    ingredients, options = spec_ingredients(spec)
    return assemble(ingredients, options.with_changes(**changes))


def _brand(data: dict[str, Any]) -> BrandSettings:
    data = {k: v for k, v in data.items() if k in BrandSettings.__dataclass_fields__}
    if data.get("logo") and not Path(data["logo"]).is_file():
        data["logo"] = None  # the logo was moved or removed since; the video goes on without it
    return BrandSettings.from_dict(data)


def _media(item: dict[str, Any]) -> Media:
    if item.get("type") == "clip":
        return Clip(ProductVideo(Path(item["source"]), item.get("length")), float(item.get("length") or 0) or clip_length(ProductVideo(Path(item["source"]))))
    return analyse_photo(ProductImage(Path(item["source"]), str(item.get("alt") or "")))


def _read_back(spec: VideoSpec) -> tuple[Ingredients, ComposeOptions]:
    media: list[Media] = []
    for segment in spec.segments_of("video"):
        if segment.type == "image":
            media.append(analyse_photo(ProductImage(Path(segment.source), segment.alt)))
        else:
            video = ProductVideo(Path(segment.source))
            media.append(Clip(video, clip_length(video)))
    if not media:
        raise ComposeError("spec", "has no photos or clips to rebuild from")
    texts = {segment.role: segment.text for segment in spec.segments_of("text") if segment.role != "caption"}
    audio = spec.segments_of("audio")
    music = "none"
    if audio:
        music = bed_name(audio[0].source) or audio[0].source
    options = ComposeOptions(
        duration=spec.duration,
        aspect=spec.canvas.aspect or "1:1",
        fps=spec.canvas.fps,
        music=music,
        show_title="title" in texts,
        show_price="price" in texts,
        show_badge="badge" in texts,
        show_cta="cta" in texts,
    )
    return Ingredients(media, TextPlan(**texts), BrandSettings()), options
