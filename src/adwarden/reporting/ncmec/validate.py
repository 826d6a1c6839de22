"""Validate CyberTipline XML against NCMEC's schema before it leaves the building.

The package ships a copy of ``cyber_tipline.xsd`` (fetched from ISPWS ``/xsd``; ``adwarden reports
refresh-xsd`` replaces it with the live one, because NCMEC's enums drift). Validation returns *every*
problem with its XPath-like path and line, so a reviewer fixes a draft in one pass instead of learning
about errors one 4100 response at a time.

The XML is parsed with a small expat-driven builder that records each element's line (the standard
``ElementTree`` drops line numbers and ``lxml`` is not a dependency) and refuses DTDs and entity
declarations, so a hostile document cannot expand entities.

Example::

    problems = validate_report_xml(xml_bytes)
    for p in problems:
        print(p)          # "line 12: /report/incidentSummary/incidentDateTime: invalid datetime ..."
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.parsers import expat

import xmlschema

BUNDLED_XSD = Path(__file__).with_name("cyber_tipline.xsd")


@dataclass(frozen=True)
class SchemaProblem:
    """One reason a document does not validate. ``line`` is 1-based; ``path`` is like ``/report/reporter``."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line is not None else ""
        return f"{where}{self.path}: {self.message}"


class _Parsed:
    def __init__(self, root: ET.Element, lines: dict[int, int]) -> None:
        self.root = root
        self.lines = lines

    def line_of(self, elem: object) -> int | None:
        return self.lines.get(id(elem))


class XMLSyntaxProblem(ValueError):
    def __init__(self, line: int | None, message: str) -> None:
        self.line = line
        super().__init__(message)


def _refuse(*_args: object) -> None:
    raise XMLSyntaxProblem(None, "DTDs and entity declarations are not allowed in CyberTipline XML")


def parse_with_lines(data: bytes) -> _Parsed:
    """Parse ``data`` into an ``ElementTree`` element, remembering each element's source line."""
    parser = expat.ParserCreate()
    stack: list[ET.Element] = []
    lines: dict[int, int] = {}
    root: list[ET.Element] = []
    last_closed: list[ET.Element | None] = [None]

    def start(tag: str, attrs: dict[str, str]) -> None:
        elem = ET.Element(tag, attrs)
        lines[id(elem)] = parser.CurrentLineNumber
        if stack:
            stack[-1].append(elem)
        else:
            root.append(elem)
        stack.append(elem)
        last_closed[0] = None

    def end(_tag: str) -> None:
        last_closed[0] = stack.pop()

    def chars(text: str) -> None:
        if not stack:
            return
        closed = last_closed[0]
        if closed is not None:
            closed.tail = (closed.tail or "") + text
        else:
            stack[-1].text = (stack[-1].text or "") + text

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise XMLSyntaxProblem(exc.lineno, f"malformed XML: {expat.ErrorString(exc.code)}") from exc
    if not root:
        raise XMLSyntaxProblem(None, "empty document")
    return _Parsed(root[0], lines)


@lru_cache(maxsize=4)
def load_schema(path: Path = BUNDLED_XSD) -> xmlschema.XMLSchema:
    """The parsed XSD (cached: building it takes ~0.5 s)."""
    return xmlschema.XMLSchema(str(path))


def _problem(parsed: _Parsed, error: xmlschema.XMLSchemaValidationError) -> SchemaProblem:
    elem = error.elem
    line = parsed.line_of(elem) if elem is not None else None
    index = getattr(error, "index", None)
    if isinstance(index, int) and elem is not None and 0 <= index < len(elem):
        line = parsed.line_of(elem[index]) or line
    return SchemaProblem(path=error.path or "/", line=line, message=error.reason or error.message)


def validate_xml(data: bytes, *, expected_root: str | None = None, xsd: Path = BUNDLED_XSD) -> list[SchemaProblem]:
    """Every schema problem in ``data`` (empty list when valid)."""
    try:
        parsed = parse_with_lines(data)
    except XMLSyntaxProblem as exc:
        return [SchemaProblem(path="/", line=exc.line, message=str(exc))]
    if expected_root is not None and parsed.root.tag != expected_root:
        return [
            SchemaProblem(
                path="/" + parsed.root.tag,
                line=parsed.line_of(parsed.root),
                message=f"root element is <{parsed.root.tag}>, expected <{expected_root}>",
            )
        ]
    schema = load_schema(xsd)
    return [_problem(parsed, err) for err in schema.iter_errors(parsed.root)]


def validate_report_xml(data: bytes, *, xsd: Path = BUNDLED_XSD) -> list[SchemaProblem]:
    """Problems with a ``<report>`` document."""
    return validate_xml(data, expected_root="report", xsd=xsd)


def validate_file_details_xml(data: bytes, *, xsd: Path = BUNDLED_XSD) -> list[SchemaProblem]:
    """Problems with a ``<fileDetails>`` document."""
    return validate_xml(data, expected_root="fileDetails", xsd=xsd)
