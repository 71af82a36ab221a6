"""Ingest: files and JSONL lines become Articles or error records, in a stable order."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import CORPUS
from pipeline.errors import PipelineError
from pipeline.ingest import count_articles, discover, read_articles
from pipeline.schema import Article


def _read(*inputs: Path) -> list[Article | PipelineError]:
    files, missing = discover(inputs)
    return list(missing) + list(read_articles(files))


def test_directory_is_searched_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    text = (CORPUS / "000_d6c6155466720481.txt").read_text(encoding="utf-8")
    (tmp_path / "b" / "x.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a" / "y.txt").write_text(text, encoding="utf-8")
    (tmp_path / "a" / "notes.md").write_text("ignored", encoding="utf-8")
    items = _read(tmp_path)
    assert [i.doc_id for i in items] == ["y", "x"]
    assert all(isinstance(i, Article) and i.raw_text == text for i in items)


def test_utf8_bom_is_accepted_and_raw_text_kept_exactly(tmp_path: Path) -> None:
    raw = (CORPUS / "004_1bb8f61e5306e125.txt").read_bytes()
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + raw)
    [article] = _read(tmp_path / "bom.txt")
    assert article.raw_text == raw.decode("utf-8")


def test_utf16_with_bom_is_decoded(tmp_path: Path) -> None:
    text = (CORPUS / "001_a07726657dcd6f69.txt").read_text(encoding="utf-8")
    (tmp_path / "utf16.txt").write_bytes(text.encode("utf-16"))
    [article] = _read(tmp_path / "utf16.txt")
    assert article.raw_text == text


def test_bad_files_give_one_error_each(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("   \n\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "cp1252.txt").write_bytes("“Smart quotes” in Windows-1252".encode("cp1252"))
    items = {Path(i.path).name: i for i in _read(tmp_path, tmp_path / "missing.txt")}
    assert items["empty.txt"].code == "empty"
    assert items["binary.txt"].code == "not_text"
    assert items["cp1252.txt"].code == "not_text"
    assert items["missing.txt"].code == "unreadable"


def test_jsonl_lines_errors_name_the_line_and_duplicates_are_kept(tmp_path: Path) -> None:
    text = (CORPUS / "001_a07726657dcd6f69.txt").read_text(encoding="utf-8")
    lines = [json.dumps({"id": "a", "text": text, "authors": "Jane Roe"}), "",
             "[1, 2]", json.dumps({"id": "a", "text": text}), json.dumps({"text": text})]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert count_articles([path]) == 4
    items = _read(path)
    assert [getattr(i, "doc_id", None) for i in items] == ["a", None, "a~2", None]
    assert items[0].authors == ["Jane Roe"] and items[0].line_no == 1
    assert items[1].code == "bad_json" and "line 3" in items[1].message
    assert items[3].code == "missing_field" and "line 5" in items[3].message


def test_size_limit_refuses_large_files(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000, encoding="utf-8")
    files, _ = discover([path])
    [error] = list(read_articles(files, max_bytes=100))
    assert error.code == "too_large" and "100" in error.message


def test_default_limit_refuses_articles_over_64_mb(tmp_path: Path) -> None:
    path = tmp_path / "sixty-five.txt"
    path.write_bytes(b"word " * (65 * 1024 * 1024 // 5))
    files, _ = discover([path])
    [error] = list(read_articles(files))
    assert error.code == "too_large" and str(64 * 1024 * 1024) in error.message
