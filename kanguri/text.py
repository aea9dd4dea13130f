"""Bilingual text: every string a reader sees exists in Japanese and English."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")


class L(BaseModel):
    """A piece of text in both languages: ``L(ja="…", en="…")``. Neither may be empty.

    Other languages may ride along (``L(ja=…, en=…, xx=…)``): a message catalogue in a third language fills
    them, and the page in that language reads them.
    """

    model_config = ConfigDict(frozen=True, extra="allow")
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, lang: str) -> str:
        text = getattr(self, lang, None)
        if not isinstance(text, str):
            raise KeyError(f"no {lang!r} text for {self.en!r}")
        return text

    def texts(self) -> dict[str, str]:
        """Every language present: ``{"ja": …, "en": …}`` and any other."""
        return {k: v for k, v in self.model_dump().items() if isinstance(v, str)}

    def map(self, f: Callable[[str], str]) -> L:
        """The same transformation (formatting, typesetting) applied in every language."""
        return L(**{lang: f(text) for lang, text in self.texts().items()})
