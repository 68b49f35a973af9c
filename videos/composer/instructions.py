"""Plain instructions (English and Chinese) -> changes to a video's options or to an existing spec.

    result = interpret("make it a 30-second vertical video with upbeat music, end with 'Shop now'")
    options = apply(result, ComposeOptions())      # a new video
    spec = apply(interpret("remove the music"), spec)  # an edit: the spec is rebuilt with the change

The text is split into clauses (on punctuation, quotes kept whole, and "and"/"then"/"和"/"然后"...). Each
clause is matched against the phrase table below; words that are neither recognised nor filler ("a",
"video", "please", "请", "视频"...) are returned in `unrecognised`, never dropped. Two clauses that set one
thing differently ("no music, upbeat music") are reported in `conflicts`, and that thing is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from videos.composer.brand import PACE_RANGE, ComposeOptions
from videos.composer.templates import TEMPLATES
from videos.music.library import BEDS, MOOD_SYNONYMS
from videos.spec import VideoSpec

PACE_STEP = 1.5
# Number words: "eight", "forty-five", "one hundred and twenty" (text2num); "十五", "一百二十" (cn2an).
_EN_WORD = (r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
            r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)")
_QUOTES = r"'([^']+)'|\"([^\"]+)\"|“([^”]+)”|‘([^’]+)’|「([^」]+)」|『([^』]+)』"
_SPLIT = re.compile(r"[,;.!?，。；！？、\n]+|\s+(?:and(?!\s+a\s+half\b)(?<!hundred and)|then|also|plus)\s+|和|并且|然后|再|同时")
_FILLER_WORDS = set(
    ["a", "an", "the", "it", "its", "it's", "this", "that", "video", "videos", "clip", "film", "please", "pls", "make", "create", "generate", "produce", "want", "i", "i'd", "me", "my", "we", "our", "us", "product", "products", "showcase", "showcasing", "for", "of", "to", "with", "in", "on", "at", "be", "is", "are", "should", "would", "like", "can", "you", "could", "just", "some", "use", "using", "give", "set", "change", "turn", "into", "version", "one", "let's", "lets", "have", "more", "bit", "little", "slightly", "kind", "style", "look", "feel", "really", "very", "so", "nice", "good", "great", "new", "also", "add", "put", "show"]
)
_FILLER_CN = sorted(
    ["请帮我", "请", "帮我", "给我", "麻烦", "一个", "一段", "一条", "个", "的", "了", "视频", "短片", "做成", "做", "制作", "生成", "改成", "变成", "换成", "改为", "设为", "要", "我要", "我想", "想", "把", "它", "这个", "产品", "商品", "展示", "吧", "呢", "一下", "用", "能", "可以", "加上", "使用", "有", "带", "显示", "成", "为", "点", "些"],
    key=len, reverse=True,
)

Change = tuple[str, Any]  # (what, value): duration, aspect, music, text, template, cta, show_cta, emphasis, pace...


@dataclass(frozen=True)
class Interpretation:
    changes: dict[str, Any] = field(default_factory=dict)
    unrecognised: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    understood: list[str] = field(default_factory=list)  # "“30秒” -> duration 30 s", for the merchant

    @property
    def empty(self) -> bool:
        return not self.changes


def _number(raw: str) -> float | None:
    """'30', '2.5', 'eight', 'forty-five', '十五', '一百二十' -> the number; None when it is not one."""
    raw = raw.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", raw):
        return float(raw)
    try:
        if raw.isascii():
            from text_to_num import text2num

            return float(text2num(re.sub(r"[\s-]+", " ", raw), "en"))
        import cn2an

        return float(cn2an.cn2an(raw, "smart"))
    except (ValueError, TypeError, KeyError):  # both libraries raise ValueError for a non-number
        return None


def _seconds(match: re.Match[str], scale: float = 1.0, extra: float = 0.0) -> list[Change]:
    value = _number(match.group("n"))
    return [] if value is None else [("duration", (value + extra) * scale)]


_MOOD_WORDS = {word: mood for mood, words in MOOD_SYNONYMS.items() for word in (mood, *words)}
_EN_MOODS = "|".join(sorted((re.escape(w) for w in _MOOD_WORDS if w.isascii()), key=len, reverse=True))
_CN_MOODS = "|".join(sorted((w for w in _MOOD_WORDS if not w.isascii()), key=len, reverse=True))
_BED_NAMES = "|".join(bed.name for bed in BEDS)
_TEMPLATE_WORDS = {"clean": "clean", "minimal": "clean", "简洁": "clean", "简约": "clean", "bold": "bold", "醒目": "bold",
                   "大胆": "bold", "luxe": "luxe", "luxury": "luxe", "奢华": "luxe", "高级感": "luxe", "sale": "sale",
                   "promo": "sale", "促销": "sale", "特卖": "sale", **{name: name for name in TEMPLATES}}
_NUM = rf"(?P<n>\d+(?:\.\d+)?|{_EN_WORD}(?:(?:\s+|-|\s+and\s+){_EN_WORD})*)"
_CN_NUM = r"(?P<n>\d+|[零一二两三四五六七八九十百]{1,6})"

# (pattern, changes) in priority order: earlier patterns claim their words first.
_RULES: list[tuple[str, Callable[[re.Match[str]], list[Change]]]] = [
    # Call to action (quoted text wins), and "no call to action".
    (r"(?:end(?:ing)?|finish|close)\s+(?:it\s+)?(?:with|on)\s+(?P<q>⟦\d+⟧)|(?:call[- ]to[- ]action|cta|button(?: text)?)\s*:?\s*(?P<q2>⟦\d+⟧)"
     r"|以\s*(?P<q3>⟦\d+⟧)\s*(?:结尾|收尾|结束)|结尾(?:写|用|是|显示)?\s*(?P<q4>⟦\d+⟧)", lambda m: [("cta", m.group(0))]),
    (r"\b(?:no|without|remove(?: the)?|drop(?: the)?)\s+(?:call[- ]to[- ]action|cta|end card)\b|不要(?:结尾|号召语|行动号召)", lambda m: [("show_cta", False)]),
    (r"\b(?:end(?:ing)?|finish)\s+with\s+a\s+call[- ]to[- ]action\b|\bcall[- ]to[- ]action\b|结尾(?:加|要有)?(?:行动号召|号召语)", lambda m: [("show_cta", True)]),
    # Emphasis.
    (r"\b(?:highlight|emphasi[sz]e|stress|focus on|show off|call out)\s+(?:the\s+)?(?:discount|sale|savings?|deal|offer|price drop)\b"
     r"|突出(?:折扣|优惠|打折|降价)|强调(?:折扣|优惠|打折|降价)", lambda m: [("emphasis", "discount")]),
    # Duration.
    (r"\bhalf\s+a\s+minute\b|半分钟", lambda m: [("duration", 30.0)]),
    (r"\b(?:a|one)\s+minute\s+and\s+a\s+half\b|一分半钟?", lambda m: [("duration", 90.0)]),
    (rf"\b{_NUM}\s+and\s+a\s+half\s+minutes?\b", lambda m: _seconds(m, 60.0, 0.5)),
    (r"\b(?:a|one)\s+minute\b|一分钟", lambda m: [("duration", 60.0)]),
    (rf"\b{_NUM}\s*(?:-|\s)?\s*(?:seconds?|secs?|s)\b(?:\s+long)?", _seconds),
    (rf"\b{_NUM}\s*(?:-|\s)?\s*(?:minutes?|mins?)\b(?:\s+long)?", lambda m: _seconds(m, 60.0)),
    (rf"{_CN_NUM}\s*(?:秒钟|秒)", _seconds),
    (rf"{_CN_NUM}\s*分钟", lambda m: _seconds(m, 60.0)),
    # Aspect ("4:5 portrait" is 4:5, so that rule goes first).
    (r"\b4\s*[:x]\s*5\b(?:\s+portrait)?|\bportrait\s+4\s*[:x]\s*5\b", lambda m: [("aspect", "4:5")]),
    (r"\b(?:1\s*[:x]\s*1|square)\b|正方形|方形|方屏", lambda m: [("aspect", "1:1")]),
    (r"\b(?:9\s*[:x]\s*16|vertical|portrait|tiktok|reels?|stories|story|shorts)\b|竖屏|竖版|竖向|竖的", lambda m: [("aspect", "9:16")]),
    (r"\b(?:16\s*[:x]\s*9|horizontal|landscape|widescreen|wide)\b|横屏|横版|横向|宽屏", lambda m: [("aspect", "16:9")]),
    # Pace.
    (r"\b(?:faster|quicker|snappier|speed(?:\s+it)?\s+up|fast[- ]paced|more dynamic|quick cuts|fast cuts)\b"
     r"|(?:节奏)?(?:快一点|快一些|更快|加快(?:节奏)?)|节奏快", lambda m: [("pace", PACE_STEP)]),
    (r"\b(?:slower|slow(?:\s+it)?\s+down|slow[- ]paced|more relaxed|calmer pace|longer shots)\b"
     r"|(?:节奏)?(?:慢一点|慢一些|更慢|放慢(?:节奏)?)|节奏慢", lambda m: [("pace", 1 / PACE_STEP)]),
    # Music: off, a mood or bed, or just "some music".
    (r"\b(?:no|without|remove(?: the)?|drop(?: the)?|turn off(?: the)?|kill(?: the)?)\s+(?:background\s+)?(?:music|soundtrack|audio|sound)\b"
     r"|\b(?:mute(?:d)?|silent)\b|不要(?:背景)?音乐|去掉(?:背景)?音乐|去除(?:背景)?音乐|无(?:背景)?音乐|关掉音乐|静音|没有音乐",
     lambda m: [("music", "none")]),
    # "音乐要欢快" (music first, then the mood) is one phrase, so "音乐" is not left over as not understood.
    (rf"\b(?P<w>{_EN_MOODS})\b(?:\s+(?:background\s+)?(?:music|track|song|soundtrack|tune|vibe|mood))?|(?P<c>{_CN_MOODS})(?:的)?(?:背景)?(?:音乐|配乐)?"
     rf"|(?:背景)?(?:音乐|配乐)(?:要|是|用|选|更|要求|风格)*(?P<c2>{_CN_MOODS})",
     lambda m: [("music", "mood:" + _MOOD_WORDS[(m.group("w") or m.group("c") or m.group("c2")).lower()])]),
    (rf"\b(?:music|track|song)\s*:?\s*(?P<b>{_BED_NAMES})\b|\b(?P<b2>{_BED_NAMES})\s+(?:music|track|song)\b",
     lambda m: [("music", m.group("b") or m.group("b2"))]),
    (r"\b(?:add|with|include|put|some)\s+(?:some\s+)?(?:background\s+)?music\b|\bbackground music\b|\bmusic\b"
     r"|加(?:上)?(?:背景)?音乐|配(?:上)?(?:背景)?音乐|要(?:背景)?音乐|背景音乐|配乐", lambda m: [("music", "auto")]),
    # Text.
    (r"\b(?:no|without|remove(?: the)?|drop(?: the)?|hide(?: the)?)\s+(?:text overlays?|texts|text|captions?|subtitles?|words|overlays?)\b"
     r"|不要(?:字幕|文字|文案)|去掉(?:字幕|文字|文案)|无(?:字幕|文字)|没有(?:字幕|文字)", lambda m: [("text", False)]),
    (r"\b(?:with|add|include)\s+(?:some\s+)?(?:text overlays?|text|captions?|subtitles?|overlays?)\b|\btext overlays?\b"
     r"|\btext\b|加(?:上)?(?:字幕|文字|文案)|要(?:字幕|文字)|显示文字|带(?:字幕|文字)|字幕|文字|文案", lambda m: [("text", True)]),
    (r"\b(?:no|without|hide(?: the)?|remove(?: the)?)\s+(?:price|prices)\b|不要(?:显示)?价格|隐藏价格", lambda m: [("show_price", False)]),
    (r"\b(?:show|with|include)\s+(?:the\s+)?price\b|显示价格", lambda m: [("show_price", True)]),
    (r"\b(?:no|without|hide(?: the)?|remove(?: the)?)\s+logo\b|不要\s*logo|不要标志", lambda m: [("show_logo", False)]),
    (r"\b(?:no|without|hide(?: the)?|remove(?: the)?)\s+title\b|不要标题", lambda m: [("show_title", False)]),
    # Templates (after emphasis, so "highlight the sale" is not the sale template).
    (r"\b(?P<t>" + "|".join(w for w in _TEMPLATE_WORDS if w.isascii()) + r")\b(?:\s+(?:template|style|look|theme))?"
     r"|(?P<tc>" + "|".join(w for w in _TEMPLATE_WORDS if not w.isascii()) + r")(?:风格|模板|风)?", lambda m: [("template", _TEMPLATE_WORDS[(m.group("t") or m.group("tc")).lower()])]),
]
_COMPILED = [(re.compile(pattern, re.IGNORECASE), handler) for pattern, handler in _RULES]


def _quoted(text: str) -> tuple[str, list[str]]:
    """Quoted phrases out (kept verbatim, replaced by ⟦n⟧ tokens) so punctuation inside them doesn't split."""
    found: list[str] = []

    def keep(match: re.Match[str]) -> str:
        found.append(next(g for g in match.groups() if g is not None).strip())
        return f"⟦{len(found) - 1}⟧"

    return re.sub(_QUOTES, keep, text), found


def _leftover(text: str) -> str:
    """What is left of a clause once recognised spans are gone, minus filler words (both languages)."""
    for filler in _FILLER_CN:
        text = text.replace(filler, " ")
    words = re.findall(r"[a-z0-9][a-z0-9'’:-]*|[^\x00-\x7f\s⟦⟧]+", text.lower())
    return " ".join(w for w in words if w not in _FILLER_WORDS and w.strip("-'’:"))


def interpret(text: str) -> Interpretation:
    masked, quotes = _quoted(text)
    found: list[tuple[str, Any, str]] = []  # (what, value, phrase)
    unrecognised: list[str] = []
    for clause in (c.strip() for c in _SPLIT.split(masked)):
        if not clause:
            continue
        lowered = clause.lower()
        claimed = [False] * len(lowered)
        hits = 0
        for pattern, handler in _COMPILED:
            for match in pattern.finditer(lowered):
                if any(claimed[match.start() : match.end()]) or not match.group(0).strip():
                    continue
                phrase = re.sub(r"⟦(\d+)⟧", lambda q: f"'{quotes[int(q.group(1))]}'", clause[match.start() : match.end()])
                for what, value in handler(match):
                    if what == "cta":
                        token = re.search(r"⟦(\d+)⟧", match.group(0))
                        found.append(("cta", quotes[int(token.group(1))], phrase) if token else ("show_cta", True, phrase))
                    else:
                        found.append((what, value, phrase))
                claimed[match.start() : match.end()] = [True] * (match.end() - match.start())
                hits += 1
        rest = "".join(" " if claimed[i] else ch for i, ch in enumerate(lowered))
        rest = _leftover(re.sub(r"⟦\d+⟧", " ", rest))
        if hits == 0:
            original = re.sub(r"⟦(\d+)⟧", lambda q: f"'{quotes[int(q.group(1))]}'", clause)
            if _leftover(lowered) or re.search(r"⟦\d+⟧", clause):
                unrecognised.append(original)
        elif rest:
            unrecognised.append(rest)
    return _resolve(found, unrecognised)


_FIELDS_OF = {"text": {"show_title", "show_price", "show_badge", "show_cta", "cta", "emphasis"}}


def _resolve(found: list[tuple[str, Any, str]], unrecognised: list[str]) -> Interpretation:
    by_what: dict[str, list[tuple[Any, str]]] = {}
    for what, value, phrase in found:
        by_what.setdefault(what, []).append((value, phrase))
    changes: dict[str, Any] = {}
    conflicts: list[str] = []
    understood: list[str] = []
    for what, values in by_what.items():
        if what == "music" and any(v != "auto" for v, _ in values) and not any(v == "none" for v, _ in values):
            values = [(v, p) for v, p in values if v != "auto"]  # "add music, upbeat": the mood says which
        distinct = {repr(v) for v, _ in values}
        if len(distinct) > 1:
            phrases = " / ".join(f"“{p}”" for _, p in values)
            conflicts.append(f"{phrases} ask for different {what.replace('_', ' ')}; left unchanged, say which you want")
            continue
        changes[what] = values[0][0]
        understood.append(f"“{values[0][1]}” -> {what.replace('_', ' ')} {values[0][0]}")
    # "no text" contradicts asking for any particular text.
    if changes.get("text") is False:
        clashing = [w for w in _FIELDS_OF["text"] if w in changes and changes[w] not in (False, "none")]
        for w in clashing:
            conflicts.append(f"“no text” but also {w.replace('_', ' ')} {changes.pop(w)!r}; left the text as it was")
        if clashing:
            changes.pop("text")
    # "no music" with a music mood ("no music, upbeat") is also caught above, since both set music.
    return Interpretation(changes, unrecognised, conflicts, understood)


T = TypeVar("T", ComposeOptions, VideoSpec)


def apply(interpretation: Interpretation, target: T) -> T:
    """Apply to a new video's options (returns new options) or to an existing spec (returns it rebuilt)."""
    if isinstance(target, VideoSpec):
        from videos.composer.compose import assemble
        from videos.composer.edit import spec_ingredients

        ingredients, options = spec_ingredients(target)
        return assemble(ingredients, apply(interpretation, options))  # type: ignore[return-value]
    return _apply_options(interpretation, target)  # type: ignore[return-value]


def _apply_options(result: Interpretation, options: ComposeOptions) -> ComposeOptions:
    changes: dict[str, Any] = {}
    c = result.changes
    if "duration" in c:
        changes["duration"] = c["duration"]
    for key in ("aspect", "template", "emphasis", "show_cta", "show_price", "show_logo", "show_title"):
        if key in c:
            changes[key] = c[key]
    # "add background music" keeps music that is already chosen; anything else replaces it.
    if "music" in c and not (c["music"] == "auto" and options.music not in ("none", "")):
        changes["music"] = c["music"]
    if "text" in c:
        on = bool(c["text"])
        changes.update(show_title=on, show_price=on, show_badge=on, show_cta=on)
    if "cta" in c:
        changes.update(cta_text=c["cta"], show_cta=True)
    if c.get("emphasis") == "discount":
        changes["show_badge"] = True
    if "pace" in c:
        changes["pace"] = round(min(PACE_RANGE[1], max(PACE_RANGE[0], options.pace * c["pace"])), 3)
    notes = (*options.notes, *(f"instruction: {u}" for u in result.understood))
    return options.with_changes(**changes, notes=notes)
