"""One error family, mapped once to HTTP (api.errors), to forms (web) and to the CLI (exit 2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NoReturn


class DomainError(Exception):
    """A refusal the user can act on. Never a bug: bugs are ordinary exceptions."""

    code = "domain_error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": _jsonable(self.details)}


class InvalidInput(DomainError):
    """Bad input: names the field, why, and what is allowed."""

    code = "invalid_input"
    http_status = 422


class RuleViolation(DomainError):
    """A business rule refused the change; `code` is the stable rule code (BUD-001 …)."""

    code = "rule_violation"
    http_status = 409


class TransitionNotAllowed(DomainError):
    code = "transition_not_allowed"
    http_status = 409


class AccessDenied(DomainError):
    code = "access_denied"
    http_status = 403


class NotFound(DomainError):
    code = "not_found"
    http_status = 404


class ImportRejected(DomainError):
    """A whole file refused: `details['problems']` lists every row and column at fault."""

    code = "import_rejected"
    http_status = 422


class Conflict(DomainError):
    code = "conflict"
    http_status = 409


def raise_all(problems: Sequence[InvalidInput]) -> NoReturn:
    """Refuse once for several bad fields: the message names each; `details['errors']` lists them
    (field, message, allowed) so a form can mark every field and an API client can fix all at once."""
    if len(problems) == 1:
        raise problems[0]
    errors = [{"field": p.details.get("field"), "message": p.message, "allowed": p.details.get("allowed")} for p in problems]
    summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
    raise InvalidInput(f"{len(problems)} fields are invalid — {summary}", field=errors[0]["field"], errors=errors)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    return str(value)
