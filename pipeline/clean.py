"""Cleaning (placeholder being replaced): passes the raw text through unchanged."""

from __future__ import annotations

from pipeline.offsets import identity_map
from pipeline.schema import Article, CleanedArticle


def clean_article(article: Article, batch: object | None = None) -> CleanedArticle:
    return CleanedArticle(article=article, text=article.raw_text,
                          offsets=identity_map(article.raw_text), title=article.title,
                          authors=article.authors, published=article.published,
                          publisher=article.publisher)
