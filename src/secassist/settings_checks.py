"""Checks the settings file runs before Django starts (no Django imports here: settings load first).

Production refuses to start with a weak or default SECRET_KEY (issue #12 item 10): the key signs
sessions, CSRF tokens and password-reset links, so a guessable one lets anyone forge a session.
"""

from __future__ import annotations

MIN_SECRET_KEY_LENGTH = 50  # what Django's own `check --deploy` (security.W009) asks for
MIN_DISTINCT_CHARACTERS = 5
KNOWN_DEFAULTS = ("changeme", "change-me", "secret", "secret_key", "secretkey", "insecure", "password", "example")


def weak_secret_key_reason(key: str) -> str | None:
    """Why `key` is too weak for production, or None when it will do."""
    if not key:
        return "SECRET_KEY is empty"
    lowered = key.lower()
    if lowered.startswith("django-insecure"):
        return "SECRET_KEY is a Django development key (django-insecure-…)"
    if any(lowered == word or lowered.startswith(word) for word in KNOWN_DEFAULTS):
        return "SECRET_KEY is a well-known default or placeholder"
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return f"SECRET_KEY has {len(key)} characters; at least {MIN_SECRET_KEY_LENGTH} are required"
    if len(set(key)) < MIN_DISTINCT_CHARACTERS:
        return f"SECRET_KEY uses fewer than {MIN_DISTINCT_CHARACTERS} distinct characters"
    if len(set(key)) < len(key) // 10 or _is_repetition(key):
        return "SECRET_KEY is a repeated pattern, not random"
    return None


def _is_repetition(key: str) -> bool:
    for size in range(1, len(key) // 3 + 1):
        unit = key[:size]
        if (unit * (len(key) // size + 1))[: len(key)] == key:
            return True
    return False
