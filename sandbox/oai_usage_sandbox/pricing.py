"""Price table: which cost line items a usage stream produces, and their price in pico-dollars per unit.

Integer pico-dollars keep every sum exact, so costs reconcile with usage and group partitions add up to the total.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .endpoints import Endpoint, Scalar


class Billable(Protocol):
    """What pricing needs of a usage stream (`org.Stream` is one): its dimensions and per-request sizes.

    A protocol rather than an import of `org`, which imports this module: no import cycle, even for type checking."""

    @property
    def per_request(self) -> Sequence[int]: ...

    def dim(self, name: str) -> Scalar: ...


PICO = 10**12
QUANTITY_UNITS = (
    "tokens",
    "1000_tokens",
    "duration_seconds",
    "duration_minutes",
    "duration_hours",
    "gibibyte_hours",
    "images",
    "characters",
)
"""The documented `quantity_unit` values (openapi.yaml `CostQuantityUnitKnown`); line items use only these or None.

Items billed per tool call or per session have no documented unit: their unit is None and `quantity` is the count.
"""
PER_MTOK = 10**6  # pico-dollars per token for a price of $1 per million tokens

# $ per 1M tokens: (input, cached input, output, audio input, audio output)
CHAT_PRICES: dict[str, tuple[float, float, float, float, float]] = {
    "gpt-4o-mini-2024-07-18": (0.15, 0.075, 0.6, 0.0, 0.0),
    "gpt-4o-2024-08-06": (2.5, 1.25, 10.0, 0.0, 0.0),
    "gpt-4.1-2025-04-14": (2.0, 0.5, 8.0, 0.0, 0.0),
    "gpt-4.1-mini-2025-04-14": (0.4, 0.1, 1.6, 0.0, 0.0),
    "o3-mini-2025-01-31": (1.1, 0.55, 4.4, 0.0, 0.0),
    "gpt-4o-audio-preview-2024-12-17": (2.5, 1.25, 10.0, 40.0, 80.0),
}
FINE_TUNED_PRICES = (0.3, 0.15, 1.2, 0.0, 0.0)
TIER_FACTOR: dict[str, tuple[int, int]] = {"default": (1, 1), "flex": (1, 2), "priority": (2, 1), "batch": (1, 2)}
EMBEDDING_PRICES = {"text-embedding-3-small": 0.02, "text-embedding-3-large": 0.13, "text-embedding-ada-002": 0.10}
IMAGE_PRICES = {  # $ per image
    ("dall-e-3", "1024x1024"): 0.04,
    ("dall-e-3", "1792x1024"): 0.08,
    ("dall-e-3", "1024x1792"): 0.08,
    ("dall-e-2", "256x256"): 0.016,
    ("dall-e-2", "512x512"): 0.018,
    ("dall-e-2", "1024x1024"): 0.02,
    ("gpt-image-1", "1024x1024"): 0.042,
}
TTS_PRICES = {"tts-1": 15.0, "tts-1-hd": 30.0, "gpt-4o-mini-tts": 12.0}  # $ per 1M characters
STT_PRICE_PER_SECOND = 0.0001
VECTOR_STORE_PICO_PER_BYTE = 100
CODE_INTERPRETER_SESSION = 0.03
FILE_SEARCH_CALL = 0.0025
WEB_SEARCH_CALL = 0.01

# completions base field indexes (see endpoints.COMPLETION_BASE) summed into each token line item
_CHAT_ITEMS: tuple[tuple[str, tuple[int, ...], int], ...] = (
    ("input", (1, 5, 7, 8), 0),
    ("cached input", (2, 4, 6), 1),
    ("output", (9, 11), 2),
    ("audio input", (3,), 3),
    ("audio output", (10,), 4),
)


@dataclass(frozen=True)
class LineItem:
    """A billed line item of one stream: its full name, unit, and quantity and price per request."""

    name: str
    unit: str | None
    divisor: int
    quantity_per_request: int
    price_pico: int


def _pico(dollars: float) -> int:
    return round(dollars * PICO)


def line_items_for(endpoint: Endpoint, stream: Billable) -> list[LineItem]:
    """The line items a usage stream is billed under (none for free endpoints such as moderations)."""
    name = endpoint.name
    per = stream.per_request
    model = str(stream.dim("model"))
    items: list[LineItem] = []
    if name == "completions":
        prices = CHAT_PRICES.get(model, FINE_TUNED_PRICES)
        tier = "batch" if stream.dim("batch") else str(stream.dim("service_tier"))
        num, den = TIER_FACTOR[tier]
        suffix = "" if tier == "default" else f" ({tier})"
        for kind, idxs, pi in _CHAT_ITEMS:
            qty = sum(per[i] for i in idxs)
            price = round(prices[pi] * PER_MTOK) * num // den
            if qty and price:  # zero-quantity items (no audio, no cache reads) are never billed
                items.append(LineItem(f"{model}, {kind}{suffix}", "tokens", 1, qty, price))
    elif name == "embeddings":
        items.append(LineItem(f"{model}, input", "tokens", 1, per[0], round(EMBEDDING_PRICES[model] * PER_MTOK)))
    elif name == "images":
        size = str(stream.dim("size"))
        items.append(LineItem(f"{model}, {size}", "images", 1, per[0], _pico(IMAGE_PRICES[(model, size)])))
    elif name == "audio_speeches":
        items.append(LineItem(f"{model}, characters", "characters", 1, per[0], round(TTS_PRICES[model] * PER_MTOK)))
    elif name == "audio_transcriptions":
        items.append(LineItem(f"{model}, audio", "duration_seconds", 1, per[0], _pico(STT_PRICE_PER_SECOND)))
    elif name == "vector_stores":
        items.append(LineItem("vector store storage", "gibibyte_hours", 1 << 30, per[0], VECTOR_STORE_PICO_PER_BYTE))
    elif name == "code_interpreter_sessions":
        items.append(LineItem("code interpreter sessions", None, 1, per[0], _pico(CODE_INTERPRETER_SESSION)))
    elif name == "file_search_calls":
        items.append(LineItem("file search tool calls", None, 1, per[0], _pico(FILE_SEARCH_CALL)))
    elif name == "web_search_calls":
        items.append(LineItem(f"{model}, web search tool calls", None, 1, per[1], _pico(WEB_SEARCH_CALL)))
    return items
