"""Internal: the keys the report gives what names nothing, and how a costs line item names its model."""

from __future__ import annotations

__all__ = ["MODEL_RULE", "NO_MODEL", "UNATTRIBUTED", "model_of"]

UNATTRIBUTED = "(none)"
"""The key of spend or volume that names no project, line item, model, API key or user."""
NO_MODEL = "(no model)"
"""The model of a line item that names none (tools, storage): see MODEL_RULE."""
MODEL_RULE = ("a line item's model is its text before the first comma ('gpt-4o-2024-08-06, input (batch)' -> "
              "'gpt-4o-2024-08-06'); a line item without a comma (tools, storage) names no model: "
              f"'{NO_MODEL}'")  # fmt: skip
"""How spend by model is derived from the costs' line items."""


def model_of(line_item: str | None) -> str:
    """The model a costs line item is for (MODEL_RULE)."""
    if not line_item:
        return UNATTRIBUTED
    model, comma, _ = line_item.partition(",")
    return model.strip() if comma and model.strip() else NO_MODEL
