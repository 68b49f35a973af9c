"""`compose(product, brand, options) -> VideoSpec`: what a good showcase video of this product is.

Hero shot first (the featured photo), then the other photos with the clips spread among them, near-duplicate
photos dropped; shot lengths that fill the duration exactly with cuts on the music's beats; motion chosen
per photo; the template's transitions, type and music; title, price, badge and call to action laid out
inside the safe area, and each shot's product framed clear of them. Plain functions only: the CLI, the
job pipeline and the API all call this.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from videos.composer.brand import BrandSettings, ComposeOptions, brand_dict, options_dict
from videos.composer.errors import ComposeError
from videos.composer.layout import Box, overlay_box, product_frame, text_box
from videos.composer.product import Product, ProductVideo
from videos.composer.shots import PhotoInfo, analyse_photo, clip_length, drop_near_duplicates, photo_look
from videos.composer.templates import Template, get_template
from videos.composer.textplan import Palette, TextPlan, all_texts, layout_texts, palette, shown_texts
from videos.composer.timing import MIN_SHOT_S, Slot, beat_grid, plan_cuts
from videos.media.errors import MediaError
from videos.music.library import Music, MusicError, resolve_music
from videos.render.transitions import ZOOM_AMOUNT
from videos.spec import (
    AudioSegment,
    Canvas,
    ClipSegment,
    ImageSegment,
    OverlaySegment,
    TextSegment,
    Track,
    Transition,
    VideoSpec,
)

COMPOSER_VERSION = 1
MAX_SHOTS = 60
HERO_WEIGHT = 1.35  # the hero holds the title a little longer
END_CARD_WEIGHT = 1.3  # and the end card the call to action
MUSIC_VOLUME = 0.35
MIN_CLIP_S = 1.5  # shorter clips are left out
CLIP_LEAD_IN_S = 0.3  # skip a clip's first moments (fade-ins, a hand leaving the frame) when there is room


@dataclass(frozen=True)
class Clip:
    """A product clip and its length in seconds."""

    video: ProductVideo
    length: float


Media = PhotoInfo | Clip


@dataclass
class Ingredients:
    """Everything a video is made from, before any choice about the cut: the usable media in order (hero
    first), every text it could show, and the brand. Kept in the spec's metadata so instructions can
    rebuild a spec with new options."""

    media: list[Media]
    texts: TextPlan
    brand: BrandSettings
    notes: list[str] = field(default_factory=list)


def compose(product: Product, brand: BrandSettings | None = None, options: ComposeOptions | None = None) -> VideoSpec:
    brand = brand or BrandSettings()
    options = options or ComposeOptions()
    return assemble(gather(product, brand), options)


def gather(product: Product, brand: BrandSettings) -> Ingredients:
    """Read the product: analyse photos, drop near-duplicates, measure clips, write every text."""
    notes = list(product.notes)
    photos = [analyse_photo(image, f"product.images[{i}]") for i, image in enumerate(product.images)]
    photos, dropped = drop_near_duplicates(photos)
    notes += [f"left out {d.path.name}: it looks the same as {k.path.name}" for d, k in dropped]
    clips = [Clip(video, clip_length(video)) for video in product.videos]
    usable = [c for c in clips if c.length >= MIN_CLIP_S]
    if len(usable) < len(clips):
        notes.append(f"left out {len(clips) - len(usable)} clip(s) shorter than {MIN_CLIP_S:g} s")
    if not photos and not usable:
        raise ComposeError("product.media", "no usable photos or clips")
    hero: list[Media] = [photos[0]] if photos else [usable[0]]
    rest_photos, rest_clips = photos[1:], (usable if photos else usable[1:])
    ordered: list[Media] = list(rest_photos)
    step = (len(rest_photos) + 1) / (len(rest_clips) + 1)
    for k, clip in enumerate(rest_clips):  # clips spread evenly among the photos
        ordered.insert(min(len(ordered), math.floor((k + 1) * step) + k), clip)
    return Ingredients(hero + ordered, all_texts(product, brand), brand, notes)


def assemble(ingredients: Ingredients, options: ComposeOptions) -> VideoSpec:
    """The spec for these ingredients with these options (all the choices about the cut are made here)."""
    brand = ingredients.brand
    template = get_template(options.template)
    colors = palette(template, brand)
    canvas = Canvas.for_aspect(options.aspect, fps=options.fps, background=colors.background)
    notes = [*options.notes, *ingredients.notes]
    duration = float(options.duration)

    music = _music(options, template)
    beat = beat_grid(music.tempo if music else None)
    if music and music.tempo is None:
        notes.append(f"cuts are not on the beat: the tempo of {music.label} is unknown")

    media = _choose_media(ingredients.media, duration, template, options, beat, notes)
    transition_s = template.transition_s / options.pace
    slots = [_slot(item, i, len(media), options, transition_s, has_cta=options.show_cta) for i, item in enumerate(media)]
    if sum(slot.max_s for slot in slots) < duration:
        # Only short clips: the longest one holds its last frame rather than the video being shorter.
        longest = max(range(len(slots)), key=lambda i: slots[i].max_s)
        slots[longest] = Slot(slots[longest].weight, slots[longest].min_s)
        notes.append("the clips are shorter than the video, so one holds its last frame")
    plan = plan_cuts(slots, duration, beat=beat)
    if beat and not plan.snapped:
        notes.append("cuts could not all land on the beat with these shot lengths")

    texts = shown_texts(ingredients.texts, options)
    logo = _logo(brand) if options.show_logo else None
    text_segments, overlays = layout_texts(
        texts, cuts=plan.cuts, duration=duration, canvas=canvas, template=template, colors=colors,
        font=brand.font, emphasis=options.emphasis == "discount" or template.badge_emphasis, logo=logo,
        side_by_side=not _slides(template, len(media) - 1),
    )
    boxes = text_boxes(text_segments, overlays, canvas, logo[1] if logo else 1.0)
    video = _video_track(media, plan.cuts, duration, canvas, template, colors, options, music, boxes)
    tracks = [Track(kind="video", segments=video)]
    if text_segments:
        tracks.append(Track(kind="text", segments=text_segments))
    if overlays:
        tracks.append(Track(kind="overlay", segments=overlays))
    if music:
        tracks.append(Track(kind="audio", segments=[music_segment(music, duration)]))
    hero_end = plan.cuts[0] if plan.cuts else duration
    return VideoSpec(
        canvas=canvas,
        duration=duration,
        tracks=tracks,
        poster_time=round(min(max(0.8, template.animation_s + 0.4), hero_end * 0.8, duration), 3),
        metadata={
            "composer": COMPOSER_VERSION,
            "template": template.name,
            "product_title": ingredients.texts.title,
            "music": music.label if music else None,
            "tempo": music.tempo if music else None,
            "notes": notes,
            # What `videos.composer.edit` needs to rebuild this spec with other options.
            "options": options_dict(options),
            "texts": ingredients.texts.as_dict(),
            "media": [_media_dict(item) for item in ingredients.media],
            "brand": brand_dict(brand),
        },
    )


def music_segment(music: Music, duration: float) -> AudioSegment:
    # A short fade-in keeps the first downbeat (which the first cut counts from); the fade-out ends the bed.
    return AudioSegment(
        source=music.source, start=0.0, duration=duration, volume=MUSIC_VOLUME, fade_in=0.05,
        fade_out=min(1.5, duration / 4), loop=True, tempo=music.tempo,
    )


def _music(options: ComposeOptions, template: Template) -> Music | None:
    try:
        return resolve_music(options.music, default_mood=template.music_mood)
    except MusicError as exc:
        raise ComposeError("options.music", str(exc)) from None


def _media_dict(item: Media) -> dict[str, object]:
    if isinstance(item, Clip):
        return {"type": "clip", "source": str(Path(item.video.path).resolve()), "length": item.length}
    return {"type": "image", "source": str(item.path), "alt": item.alt}


def _logo(brand: BrandSettings) -> tuple[str, float] | None:
    if not brand.logo:
        return None
    from videos.media.images import open_photo

    try:
        img = open_photo(brand.logo)
    except MediaError as exc:
        raise ComposeError("brand.logo", str(exc)) from None
    return str(Path(brand.logo).resolve()), img.width / img.height


def _choose_media(media: list[Media], duration: float, template: Template, options: ComposeOptions,
                  beat: float | None, notes: list[str]) -> list[Media]:
    """The first shots of `media` (hero first): as many as the duration and pace call for, and no more than
    fit at >= 1 s each on whole beats."""
    min_len = math.ceil(MIN_SHOT_S / beat - 1e-9) * beat if beat else MIN_SHOT_S
    most = max(1, min(MAX_SHOTS, math.floor(duration / min_len + 1e-9)))
    wanted = max(1, round(duration / (template.shot_s / options.pace)))
    count = min(len(media), wanted, most)
    if count < len(media):
        notes.append(f"used {count} of {len(media)} photos and clips: a {duration:g} s video fits {count} shots at this pace")
    return media[:count]


def _slot(item: Media, index: int, count: int, options: ComposeOptions, transition_s: float, *, has_cta: bool) -> Slot:
    weight = 1.0
    if index == 0 and count > 1:
        weight = HERO_WEIGHT
    elif index == count - 1 and count > 1 and has_cta:
        weight = END_CARD_WEIGHT
    if isinstance(item, Clip):
        # The segment also covers half of each neighbouring transition: keep that inside the clip.
        return Slot(weight, MIN_SHOT_S, max(MIN_SHOT_S, min(options.max_clip_s, item.length) - transition_s))
    return Slot(weight, MIN_SHOT_S)


def _t(seconds: float) -> float:
    """Times to the microsecond: tidy JSON, and far inside the spec's 2 ms tolerance."""
    return round(seconds, 6)


def _transitions(template: Template, cuts: list[float], duration: float, pace: float) -> list[Transition]:
    """The way into each shot (the first has none). A transition never takes more than 80 % of either
    neighbouring shot, so no three shots ever overlap."""
    edges = [0.0, *cuts, duration]
    lengths = [b - a for a, b in zip(edges, edges[1:], strict=False)]
    result = [Transition()]
    for i in range(1, len(lengths)):
        kind = template.transitions[(i - 1) % len(template.transitions)]
        if kind == "cut":
            result.append(Transition())
            continue
        length = min(max(0.15, template.transition_s / pace), 0.8 * lengths[i - 1], 0.8 * lengths[i])
        result.append(Transition(kind=kind, duration=round(length, 3)))  # type: ignore[arg-type]
    return result


def _slides(template: Template, index: int) -> bool:
    """Whether shot `index` slides in sideways (the transitions are the template's, cycled; see
    `_transitions`)."""
    return index > 0 and template.transitions[(index - 1) % len(template.transitions)] in ("slide_left", "slide_right")


def text_boxes(texts: list[TextSegment], overlays: list[OverlaySegment], canvas: Canvas,
               logo_aspect: float) -> list[tuple[float, float, Box]]:
    """(start, end, worst-case box) of every text block and the logo."""
    boxes = [(t.start, t.end, text_box(t.style, canvas)) for t in texts]
    return boxes + [(o.start, o.end, overlay_box(o, canvas, logo_aspect)) for o in overlays]


FULL_PHOTO = (0.0, 0.0, 1.0, 1.0)
# A contained photo moves between the text blocks when it keeps at least this share of its height there;
# smaller, it stays centred and the text lies on its cards over it.
FRAMED_PHOTO_SHARE = 0.7


def _shown_height(frame: tuple[float, float, float, float] | None, photo: PhotoInfo, canvas: Canvas,
                  zoom: float) -> float:
    """The height (canvas fractions) of a whole photo contained in `frame` (None: the canvas), at rest."""
    x0, y0, x1, y1 = frame or FULL_PHOTO
    width, height = (x1 - x0) * canvas.width / zoom, (y1 - y0) * canvas.height / zoom
    return min(height, width / photo.aspect) / canvas.height


def _frame(boxes: list[tuple[float, float, Box]], start: float, end: float, zoomed: bool, sliding: bool,
           region: tuple[float, float, float, float], photo: PhotoInfo, canvas: Canvas):
    """The frame for `region` of a photo (its product, or all of it) in a shot shown from `start` to
    `end`: clear of every block shown meanwhile (also during the extra scale of a zoom transition into or
    out of it, when `zoomed`; and across the frame when it slides in or out sideways, when `sliding`)."""
    shown = [box for s, e, box in boxes if s < end - 1e-6 and start < e - 1e-6]
    x0, y0, x1, y1 = region
    aspect = max(1e-3, (x1 - x0) * photo.width) / max(1e-3, (y1 - y0) * photo.height)
    return product_frame(shown, 1.0 + ZOOM_AMOUNT if zoomed else 1.0, product_aspect=aspect,
                         canvas_aspect=canvas.width / canvas.height, bands_only=sliding)


def _video_track(media: list[Media], cuts: list[float], duration: float, canvas: Canvas, template: Template,
                 colors: Palette, options: ComposeOptions, music: Music | None,
                 boxes: list[tuple[float, float, Box]]) -> list[ImageSegment | ClipSegment]:
    transitions = _transitions(template, cuts, duration, options.pace)
    edges = [0.0, *cuts, duration]
    segments: list[ImageSegment | ClipSegment] = []
    for i, item in enumerate(media):
        start = edges[i] - transitions[i].duration / 2
        end = duration if i == len(media) - 1 else edges[i + 1] + transitions[i + 1].duration / 2
        if isinstance(item, Clip):
            room = item.length - (end - start)
            segments.append(ClipSegment(
                source=str(Path(item.video.path).resolve()), start=_t(start), duration=_t(end - start),
                trim_start=round(min(CLIP_LEAD_IN_S, room), 3) if room > 0 else 0.0,
                keep_audio=music is None, transition=transitions[i],
            ))
        else:
            look = photo_look(item, canvas.width / canvas.height, template, i, backdrop=colors.backdrop)
            kinds = {transitions[i].kind, transitions[i + 1].kind if i + 1 < len(media) else "cut"}
            zoomed, sliding = "zoom" in kinds, bool(kinds & {"slide_left", "slide_right"})
            frame = None
            if look.fit == "contain_color":
                frame = _frame(boxes, start, end, zoomed, sliding, item.bbox, item, canvas)
            elif look.fit == "contain_blur":  # a whole photo between the text, unless that shrinks it much
                frame = _frame(boxes, start, end, zoomed, sliding, FULL_PHOTO, item, canvas)
                framed = _shown_height(frame, item, canvas, 1.0 + look.motion.strength)
                if framed < FRAMED_PHOTO_SHARE * _shown_height(None, item, canvas, 1.0):
                    frame = None
            segments.append(ImageSegment(
                source=str(item.path), start=_t(start), duration=_t(end - start), motion=look.motion, fit=look.fit,
                fill=look.fill, transition=transitions[i], alt=item.alt, frame=frame,
            ))
    return segments
