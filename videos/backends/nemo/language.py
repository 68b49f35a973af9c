"""The language a NemoVideo session is created in, read from the instruction's script.

The session takes an ISO language code matching the user (docs/nemo-protocol.md §3); the agent answers
in it, and the merchant may have written the instruction in their own language.
"""

from __future__ import annotations

import re


def detect_language(text: str) -> str:
    """Kana means Japanese, Hangul Korean, other CJK Chinese, else English."""
    if re.search(r"[\u3040-\u30ff]", text):
        return "ja"
    if re.search(r"[\uac00-\ud7af]", text):
        return "ko"
    if re.search(r"[\u3400-\u9fff\uf900-\ufaff]", text):
        return "zh-CN"
    return "en"
