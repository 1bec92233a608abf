"""Borrower responses: advice keyed by id, each based on a section of the negotiation
guide (2.1–5.5) or a practical step. This module detects nothing; it only looks up."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from collectlint.errors import RuleFileError
from collectlint.models import Response

ARTICLE_SECTIONS = (
    "2.1", "2.2", "3.1", "3.2", "3.3", "4.1", "4.2", "4.3", "5.1", "5.2", "5.3", "5.4", "5.5",
)


class ResponsesFile(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    responses: list[Response] = Field(min_length=1)

    @field_validator("responses")
    @classmethod
    def _known_sections(cls, responses: list[Response]) -> list[Response]:
        for r in responses:
            if r.section is not None and r.section not in ARTICLE_SECTIONS:
                raise ValueError(f"response {r.id}: unknown article section {r.section!r}")
        return responses


class ResponseBook:
    def __init__(self, responses: dict[str, Response]) -> None:
        self._by_id = responses

    def __contains__(self, response_id: str) -> bool:
        return response_id in self._by_id

    def __getitem__(self, response_id: str) -> Response:
        return self._by_id[response_id]

    def __iter__(self):
        return iter(self._by_id.values())

    def __len__(self) -> int:
        return len(self._by_id)

    def merged(self, other: ResponseBook) -> ResponseBook:
        return ResponseBook({**self._by_id, **other._by_id})


def load_responses(path: Path) -> ResponseBook:
    from collectlint.rules.yamlsource import YamlSource  # only when the files are read

    source = YamlSource.read(path)
    try:
        parsed = ResponsesFile.model_validate(source.data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise RuleFileError(path, f"{'.'.join(map(str, err['loc']))}: {err['msg']}",
                            line=source.line_of(err["loc"])) from None
    book: dict[str, Response] = {}
    for i, r in enumerate(parsed.responses):
        if r.id in book:
            raise RuleFileError(path, f"duplicate response id {r.id!r}",
                                line=source.line_of(("responses", i)))
        book[r.id] = r
    return ResponseBook(book)
