"""The agent behind NemoVideo assumes its own web editor ("click Export", "drag the clip to the
timeline", 点击/拖拽...). Merchants never see that editor, so such sentences are replaced with what
Showreel does instead, after the "Backend Response Translation" table of NemoVideo's public agent skill
(docs/nemo-protocol.md §4; the vendor's https://github.com/nemovideo/nemovideo_skills SKILL.md also adds
"check account/billing").
Content descriptions are kept; only the GUI actions are rewritten."""

from __future__ import annotations

import re

# (pattern, English replacement, Chinese replacement); the first match in a sentence decides.
_RULES: list[tuple[re.Pattern[str], str, str]] = [
    (
        re.compile(r"export\s+button|click(?:ing)?\s+(?:on\s+)?(?:the\s+)?[\"'“]?export|导出", re.I),
        "Showreel exports the video for you.",
        "Showreel 会自动为你导出视频。",
    ),
    (
        re.compile(r"preview\s+(?:it\s+)?(?:in|on)\s+the\s+timeline|时间线(?:上|中)?预览|预览时间线", re.I),
        "The timeline summary shows every track.",
        "时间线摘要列出了每条轨道。",
    ),
    (
        re.compile(r"\bdrag(?:ging)?\b|\bdrop\b|drag[\s-]*and[\s-]*drop|拖拽|拖动", re.I),
        "To change the order or timing, describe the change and Showreel applies it.",
        "如需调整顺序或时长，请描述修改内容，Showreel 会为你完成。",
    ),
    (
        re.compile(r"\b(?:check|open|visit)\s+(?:your\s+)?(?:account|billing|dashboard)|账户|充值", re.I),
        "Showreel shows your NemoVideo credit balance in the app.",
        "Showreel 会在应用中显示你的 NemoVideo 积分余额。",
    ),
    (
        re.compile(
            r"\bopen(?:ing)?\s+(?:the\s+)?[\w\s]{0,20}?(?:panel|tab|menu|sidebar|editor)\b|打开", re.I
        ),
        "Showreel checks the project's current state for you.",
        "Showreel 会为你查看项目的当前状态。",
    ),
    (
        re.compile(r"\bclick(?:ing)?\b|\btap\b|\bpress\s+the\b|\bbutton\b|点击|按钮", re.I),
        "Showreel takes care of that step for you.",
        "Showreel 会为你完成这一步。",
    ),
]

_SENTENCE = re.compile(r"[^.!?。！？\n]*(?:[.!?。！？]+|\n|$)")
_CJK = re.compile(r"[\u3400-\u9fff]")


def translate_gui_speak(text: str) -> str:
    """`text` with every sentence that tells the reader to use a GUI replaced by what Showreel does."""
    out: list[str] = []
    for sentence in _SENTENCE.findall(text):
        if not sentence:
            continue
        replacement = _replacement(sentence)
        if replacement is None:
            out.append(sentence)
            continue
        stripped = "".join(out).rstrip()
        if not stripped.endswith(replacement):  # two GUI sentences in a row say the same thing once
            lead = sentence[: len(sentence) - len(sentence.lstrip())]
            tail = "\n" if sentence.endswith("\n") else " "
            out.append(f"{lead}{replacement}{tail}")
    return re.sub(r"[ \t]{2,}", " ", "".join(out)).strip()


def _replacement(sentence: str) -> str | None:
    for pattern, english, chinese in _RULES:
        if pattern.search(sentence):
            return chinese if _CJK.search(sentence) else english
    return None
