"""Numbers as the pages print them, in the page's language: significant digits, a true minus sign, a×10ⁿ, a
fractional year as its month."""

from __future__ import annotations

import datetime
import math
import re
from functools import cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_skeleton
from babel.numbers import format_decimal

SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


@cache
def _locale(lang: str) -> str:
    """Babel's locale for a page language; a language Babel does not know (a pseudo-locale) reads as English."""
    try:
        Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return "en"
    return lang


def minus(text: str) -> str:
    """A true minus sign (U+2212) for negative numbers, as typesetting expects."""
    return re.sub(r"(?<![\w.])-(?=\d)", "\u2212", text)


def _power(x: float, mantissa_format: str, lang: str) -> str:
    exp = math.floor(math.log10(abs(x)))
    mant = format_decimal(x / 10**exp, format=mantissa_format, locale=_locale(lang))
    return minus(f"{mant} × 10{str(exp).translate(SUPERSCRIPT)}")


def fmt_number(x: float | None, lang: str, digits: int = 3, grouping: bool = True) -> str:
    """Locale-aware number with ``digits`` significant digits; very large or small ones as a×10ⁿ.
    ``grouping=False`` drops the thousands separator (a year: 2027.7, not 2,027.7)."""
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return "—"
    if isinstance(x, int) and not isinstance(x, bool):
        return format_decimal(x, format="#,##0", locale=_locale(lang))
    if x == 0:
        return "0"
    exp = math.floor(math.log10(abs(x)))
    if not -3 <= exp < 6:
        return _power(x, "0." + "0" * (digits - 1), lang)
    decimals = max(0, digits - 1 - exp)
    whole = "#,##0" if grouping else "0"
    pattern = whole + ("." + "0" * decimals if decimals else "")
    return minus(format_decimal(x, format=pattern, locale=_locale(lang)))


def fmt_year(x: float | None, lang: str) -> str:
    """A year as a reader says it: a whole year (an int) as it is, 2031; a fractional one (a float: a date
    measured in years) as the month it falls in, in the page's language: 2027.7 → 「2027年9月」, "September 2027"."""
    if x is None or not math.isfinite(x):
        return "—"
    if isinstance(x, int):
        return str(x)
    year = math.floor(x)
    month = min(12, int((x - year) * 12) + 1)
    return format_skeleton("yMMMM", datetime.date(year, month, 1), locale=_locale(lang))


def fmt_exact(x: float, lang: str, grouping: bool = True) -> str:
    """A constant as written in the code (0.5, 0.05, 1 × 10⁻⁶), not rounded to significant digits;
    ``grouping=False`` for a year."""
    if x == 0:
        x = 0.0  # never −0
    elif not 1e-3 <= abs(x) < 1e6:
        return _power(x, "0.####", lang)
    pattern = ("#,##0" if grouping else "0") + ".########"
    return minus(format_decimal(x, format=pattern, locale=_locale(lang)))


def fmt_cited(x: float | datetime.date | None, lang: str) -> str:
    """A cited number or date, as printed in the inputs table."""
    if x is None:
        return "—"
    return x.isoformat() if isinstance(x, datetime.date) else fmt_exact(x, lang)
