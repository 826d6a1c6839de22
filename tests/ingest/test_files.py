"""Reading JSONL and CSV files: bad records are reported by line, the rest go on."""

from __future__ import annotations

import io

import pytest

from adwarden.domain import InputError
from adwarden.ingest.files import (
    JsonlChunk,
    apply_mapping,
    jsonl_chunks,
    parse_mapping,
    read_chunk,
    read_csv,
    read_jsonl,
)


def _jsonl(*lines: bytes) -> io.BytesIO:
    return io.BytesIO(b"\n".join(lines) + b"\n")


def test_jsonl_bad_lines_do_not_stop_the_rest() -> None:
    stream = _jsonl(
        b'{"external_id": "a", "body": "ok"}',
        b'{"external_id": "b", "body": ',
        b'{"external_id": "c", "body": "caf\xe9 bad utf8"}',
        b'{"external_id": "d", "body": 12}',
        b"",
        b'{"external_id": "e", "title": "ok too"}',
    )
    recs = list(read_jsonl(stream))
    assert [r.line for r in recs] == [1, 2, 3, 4, 6]
    assert [r.post.external_id for r in recs if r.post] == ["a", "e"]
    errors = {r.line: str(r.error) for r in recs if r.error}
    assert "line 2" in errors[2] and "malformed JSON" in errors[2]
    assert "line 3" in errors[3] and "UTF-8" in errors[3]
    assert "line 4: body" in errors[4]


def test_jsonl_mapping_renames_and_nests() -> None:
    stream = _jsonl(b'{"sid": "x1", "text": "hello", "phone": "206-555-0147", "created": "2026-01-02T03:04:05"}')
    maps = parse_mapping(["external_id=sid", "body=text", "account.id=sid", "account.phone=phone",
                          "posted_at=created"])
    (rec,) = list(read_jsonl(stream, mapping=maps))
    assert rec.post is not None
    assert rec.post.external_id == "x1" and rec.post.body == "hello"
    assert rec.post.account is not None and rec.post.account.phone == "206-555-0147"


def test_bad_mapping_is_refused() -> None:
    with pytest.raises(InputError, match="target=source"):
        parse_mapping(["external_id"])


def test_apply_mapping_leaves_missing_sources() -> None:
    assert apply_mapping({"a": 1}, {"external_id": "nope"}) == {"a": 1}


def test_csv_ragged_rows_and_bad_utf8() -> None:
    data = (
        b"external_id,title,body\n"
        b"a,Sofa,Blue sofa\n"
        b"b,Chair\n"
        b"c,Desk,Oak,extra\n"
        b"d,Lamp,\xff\xfe broken\n"
        b'e,"Multi\nline",fine\n'
    )
    recs = list(read_csv(io.BytesIO(data)))
    ok = [r.post.external_id for r in recs if r.post]
    assert ok == ["a", "e"]
    errors = [str(r.error) for r in recs if r.error]
    assert any("ragged row" in e and "line 3" in e for e in errors)
    assert any("ragged row" in e and "line 4" in e for e in errors)
    assert any("UTF-8" in e and "body" in e for e in errors)


def test_csv_account_columns() -> None:
    data = b"external_id,body,account.id,account.email\nz,hi,u1,u1@example.com\n"
    (rec,) = list(read_csv(io.BytesIO(data)))
    assert rec.post is not None and rec.post.account is not None
    assert rec.post.account.email == "u1@example.com"


def test_jsonl_huge_integer_and_deep_nesting_are_line_errors() -> None:
    stream = _jsonl(
        b'{"external_id": "a", "body": "ok"}',
        b'{"external_id": ' + b"9" * 5000 + b', "body": "x"}',
        b'{"external_id": "b", "body": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b'{"external_id": "c", "body": "still read"}',
    )
    recs = list(read_jsonl(stream))
    assert [r.line for r in recs] == [1, 2, 3, 4]
    assert [r.post.external_id for r in recs if r.post] == ["a", "c"]
    errors = {r.line: r.error for r in recs if r.error}
    assert set(errors) == {2, 3}
    assert all(e is not None and e.record == f"line {n}" for n, e in errors.items())
    assert "digits" in str(errors[2])
    assert "nested" in str(errors[3])


def test_jsonl_accepts_a_utf8_bom() -> None:
    stream = _jsonl(b'\xef\xbb\xbf{"external_id": "a", "body": "first"}', b'{"external_id": "b", "body": "second"}')
    recs = list(read_jsonl(stream))
    assert [r.post.external_id for r in recs if r.post] == ["a", "b"]


def test_jsonl_nul_in_a_field_is_a_line_error() -> None:
    (rec,) = list(read_jsonl(_jsonl(b'{"external_id": "a", "body": "x\\u0000y"}')))
    assert rec.error is not None and rec.error.field == "body" and "control character" in str(rec.error)


def test_csv_accepts_a_utf8_bom_and_keeps_bad_bytes_as_errors() -> None:
    data = b"\xef\xbb\xbfexternal_id,body\na,first\nb,bad \xff byte\nc,third\n"
    recs = list(read_csv(io.BytesIO(data)))
    assert [r.post.external_id for r in recs if r.post] == ["a", "c"]
    (err,) = [r.error for r in recs if r.error]
    assert err is not None and err.field == "body" and "UTF-8" in str(err)


def test_csv_field_longer_than_the_csv_default_limit_is_read() -> None:
    body = "word " * 40_000  # 200,000 characters: over csv's default 131,072, under the 256 KiB body limit
    data = f"external_id,body\na,{body}\nb,short\n".encode()
    recs = list(read_csv(io.BytesIO(data)))
    assert [r.post.external_id for r in recs if r.post] == ["a", "b"]


def test_csv_field_over_the_reader_limit_is_a_line_error_and_reading_goes_on() -> None:
    huge = "x" * (4 * 256 * 1024 + 10)
    data = f"external_id,body\na,{huge}\nb,next\nc,{huge}\n".encode()
    recs = list(read_csv(io.BytesIO(data)))
    assert [r.post.external_id for r in recs if r.post] == ["b"]
    errors = [r for r in recs if r.error]
    assert [r.line for r in errors] == [2, 4]
    assert all(r.error is not None and r.error.record == f"line {r.line}" and "CSV" in str(r.error) for r in errors)


def test_csv_field_over_the_body_limit_names_the_field() -> None:
    data = ("external_id,body\na," + "y" * (256 * 1024 + 1) + "\n").encode()
    (rec,) = list(read_csv(io.BytesIO(data)))
    assert rec.error is not None and rec.error.field == "body" and "262144" in str(rec.error)


def test_csv_unreadable_header_is_reported_without_crashing() -> None:
    data = ("external_id," + "h" * (4 * 256 * 1024 + 10) + "\na,b\n").encode()
    recs = list(read_csv(io.BytesIO(data)))
    assert recs and recs[0].error is not None and recs[0].line == 1
    assert all(r.post is None for r in recs)


_CHUNKED = (
    b'\xef\xbb\xbf{"external_id": "a", "body": "ok"}',
    b'{"external_id": "b", "body": ',
    b"",
    b'{"external_id": "c", "body": "fine"}',
    b'\xef\xbb\xbf{"external_id": "d", "body": "a BOM past line 1 is not one"}',
    b'{"external_id": "e", "body": 12}',
    b'{"external_id": "f", "title": "ok too"}',
    b'{"sid": "g", "body": "renamed"}',
)


@pytest.mark.parametrize("lines", [1, 2, 3, 8, 50])
def test_jsonl_read_in_chunks_gives_the_whole_file_s_records(lines: int) -> None:
    """A file ingest's worker reads the file chunk by chunk: every record, post and error (by line and field)
    must be what reading the whole file gives, whatever the chunk size, the BOM only on line 1, and the last
    line without its newline."""
    data = b"\n".join(_CHUNKED)  # no newline after the last line
    whole = list(read_jsonl(io.BytesIO(data), mapping={"external_id": "sid"}))
    chunks = [JsonlChunk(first, part, {"external_id": "sid"}) for first, part in jsonl_chunks(io.BytesIO(data), lines)]
    assert b"".join(c.data for c in chunks) == data
    assert [c.first_line for c in chunks] == list(range(1, len(_CHUNKED) + 1, lines))
    assert [c.last_line for c in chunks] == [min(c.first_line + lines - 1, len(_CHUNKED)) for c in chunks]
    got = [read_chunk(c) for c in chunks]
    assert [p for g in got for p in g.posts] == [r.post for r in whole if r.post]
    assert [e for g in got for e in g.rejected] == [(r.line, str(r.error)) for r in whole if r.error]
    assert sum(g.read for g in got) == len(whole) == 7
    assert [p.external_id for g in got for p in g.posts] == ["a", "c", "f", "g"]
    assert [line for g in got for line, _ in g.rejected] == [2, 5, 6]
    assert all(f"line {line}" in error for g in got for line, error in g.rejected)


def test_jsonl_chunk_limits_and_first_line_are_checked() -> None:
    chunk = JsonlChunk(3, b'{"external_id": "x", "body": "' + b"y" * 50 + b'"}\n', max_body_chars=10)
    (line, error), = read_chunk(chunk).rejected
    assert line == 3 and "line 3" in error and "body" in error
    with pytest.raises(ValueError, match="first_line"):
        list(read_jsonl(io.BytesIO(b"{}\n"), first_line=0))
    with pytest.raises(ValueError, match="lines"):
        list(jsonl_chunks(io.BytesIO(b"{}\n"), 0))
