"""Stateless randomness: every number is a pure hash of its coordinates, so any bucket is computable alone."""

from __future__ import annotations

_MASK = (1 << 64) - 1


def mix(*parts: int) -> int:
    """A 64-bit hash of integer coordinates (splitmix64 folded over the parts)."""
    h = 0x9E3779B97F4A7C15
    for p in parts:
        h = (h ^ (p & _MASK)) & _MASK
        h = (h + 0x9E3779B97F4A7C15) & _MASK
        h = ((h ^ (h >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        h = ((h ^ (h >> 27)) * 0x94D049BB133111EB) & _MASK
        h ^= h >> 31
    return h


def unit(*parts: int) -> float:
    """A float in [0, 1) from coordinates."""
    return (mix(*parts) >> 11) / float(1 << 53)


def pick(n: int, *parts: int) -> int:
    """An index in range(n) from coordinates."""
    return mix(*parts) % n


def text_key(text: str) -> int:
    """A stable integer for a string (so names can be hash coordinates)."""
    h = 1469598103934665603
    for b in text.encode():
        h = ((h ^ b) * 1099511628211) & _MASK
    return h


def ident(alphabet_len: int, length: int, *parts: int) -> list[int]:
    """`length` indexes into an alphabet, for readable synthetic ids."""
    return [pick(alphabet_len, *parts, i) for i in range(length)]


def split(total: int, weights: list[int]) -> list[int]:
    """Apportion an integer total over integer weights exactly (cumulative floor method; parts sum to total)."""
    wsum = sum(weights)
    if total == 0 or wsum == 0:
        return [0] * len(weights)
    out: list[int] = []
    acc = 0
    prev = 0
    for w in weights:
        acc += w
        cur = total * acc // wsum
        out.append(cur - prev)
        prev = cur
    return out
