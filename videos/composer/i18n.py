"""Words and numbers on screen in the shop's language: prices (via Babel's CLDR data), the discount badge
and the call to action."""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency, is_currency

from videos.composer.errors import ComposeError

# The call to action and the badge, per language. Anything else falls back to English.
CTA_TEXT: dict[str, str] = {
    "en": "Shop now",
    "zh": "立即选购",
    "ja": "今すぐチェック",
    "es": "Compra ahora",
    "fr": "Achetez maintenant",
    "de": "Jetzt shoppen",
    "it": "Acquista ora",
    "pt": "Compre agora",
    "nl": "Shop nu",
    "ko": "지금 구매하기",
}
# "{n}" is the whole-number percentage.
BADGE_TEXT: dict[str, str] = {
    "en": "Save {n}%",
    "zh": "立省{n}%",
    "ja": "{n}%オフ",
    "es": "Ahorra un {n} %",
    "fr": "Économisez {n} %",
    "de": "Spare {n} %",
    "it": "Risparmia il {n}%",
    "pt": "Economize {n}%",
    "nl": "Bespaar {n}%",
    "ko": "{n}% 할인",
}


def parse_locale(locale: str) -> Locale:
    """'en', 'en_US', 'zh-CN', 'zh_Hans_CN' -> a Babel Locale; ComposeError for anything Babel doesn't know."""
    try:
        return Locale.parse(locale.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError, AttributeError):
        raise ComposeError("brand.locale", f"unknown locale {locale!r} (try en, zh_CN, ja, es, fr, de)") from None


def language(locale: str) -> str:
    return parse_locale(locale).language


def cta_text(locale: str) -> str:
    return CTA_TEXT.get(language(locale), CTA_TEXT["en"])


def check_currency(code: str) -> str:
    code = code.strip().upper()
    if not is_currency(code):
        raise ComposeError("product.currency", f"unknown currency code {code!r} (ISO 4217, e.g. USD, EUR, JPY)")
    return code


def format_price(amount: Decimal, currency: str, locale: str) -> str:
    """79.5, USD, en -> '$79.50'; 1200, JPY, ja -> '￥1,200'; 79.5, EUR, de -> '79,50 €' (CLDR rules)."""
    code = check_currency(currency)
    return format_currency(amount, code, locale=parse_locale(locale))


def discount_percent(price: Decimal | None, compare_at: Decimal | None) -> int:
    """Whole percent saved, rounded down so the badge never overstates; 0 when there is no discount."""
    if price is None or compare_at is None or compare_at <= 0 or compare_at <= price:
        return 0
    saved = (compare_at - price) / compare_at * 100
    return int(saved.to_integral_value(rounding=ROUND_FLOOR))


def badge_text(percent: int, locale: str) -> str:
    return BADGE_TEXT.get(language(locale), BADGE_TEXT["en"]).format(n=percent)
