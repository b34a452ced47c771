"""/api/v1/tokens: a user's own API tokens, listed and revoked (issue #12 item 10).

Any signed-in role manages its own tokens and only those: another user's token is 404, as if it did
not exist. The token secret is never returned (only its first characters, the prefix).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from . import services
from .models import ApiToken

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    prefix: str
    name: str
    scope: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


def _token(t: ApiToken) -> dict[str, Any]:
    return {
        "id": t.pk,
        "prefix": t.prefix,
        "name": t.name,
        "scope": t.scope,
        "created_at": t.created_at,
        "expires_at": t.expires_at,
        "last_used_at": t.last_used_at,
        "revoked_at": t.revoked_at,
    }


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens (revoked and expired ones included)")
def list_tokens(request: HttpRequest) -> list[dict[str, Any]]:
    return [_token(t) for t in services.tokens_of(request.user)]


@router.delete("/tokens/{token_id}", response={204: None}, summary="Revoke one of your API tokens")
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    token = services.own_token(request.user, token_id)
    services.revoke_token(acting_user=request.user, token=token)
    return Status(204, None)
