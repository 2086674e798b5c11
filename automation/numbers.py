"""How the product rounds a share to a percentage: half up, as Excel's number format '0%' shows it,
so a sentence and the cell beside it never differ by one (Python's round() rounds a half to even)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def percent(share: float, decimals: int = 0) -> Decimal:
    """0.845 -> 85; with `decimals` 1, 0.8449 -> 84.5. Through the float's shortest text, so that
    0.845 (stored as 0.84499999…) is the half it was typed as."""
    return (Decimal(repr(share)) * 100).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def whole_percent(share: float) -> int:
    return int(percent(share))
