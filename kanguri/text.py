"""Bilingual text: every string a reader sees exists in Japanese and English."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")


class L(BaseModel):
    """A piece of text in both languages: ``L(ja="…", en="…")``. Neither may be empty."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    ja: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __call__(self, lang: Lang) -> str:
        return getattr(self, lang)
