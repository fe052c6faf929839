"""Errors of the exchange store, in Chinese and English."""

from __future__ import annotations


class SourceError(Exception):
    """Where the data should come from is wrong: neither or both of bundle and store, an
    unknown snapshot, an empty store. Commands map it to exit status 2."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh = zh
        self.en = en
