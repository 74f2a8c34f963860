"""A synthetic organization from (seed, scale): projects, users, keys, models and the traffic streams they emit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from .endpoints import ENDPOINTS, Scalar
from .pricing import line_items_for
from .rng import mix, pick, text_key, unit

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_LOWER = "abcdefghijklmnopqrstuvwxyz0123456789"

CHAT_MODELS = (
    "gpt-4o-mini-2024-07-18",
    "gpt-4o-2024-08-06",
    "gpt-4.1-2025-04-14",
    "gpt-4.1-mini-2025-04-14",
    "o3-mini-2025-01-31",
    "gpt-4o-audio-preview-2024-12-17",
)
EMBEDDING_MODELS = ("text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002")
MODERATION_MODELS = ("omni-moderation-latest", "text-moderation-latest")
IMAGE_MODELS = {  # only sizes each model really makes, and only those the `sizes` filter can name
    "dall-e-3": (("image.generation",), ("1024x1024", "1792x1024", "1024x1792")),
    "dall-e-2": (("image.generation", "image.edit", "image.variation"), ("256x256", "512x512", "1024x1024")),
    "gpt-image-1": (("image.generation", "image.edit"), ("1024x1024",)),
}
TTS_MODELS = ("tts-1", "tts-1-hd", "gpt-4o-mini-tts")
STT_MODELS = ("whisper-1", "gpt-4o-transcribe")
SEARCH_MODELS = ("gpt-4o-mini-2024-07-18", "gpt-4.1-2025-04-14")
SERVICE_TIERS = ("default", "flex", "priority")


def _ident(prefix: str, alphabet: str, length: int, *parts: int) -> str:
    return prefix + "".join(alphabet[pick(len(alphabet), *parts, i)] for i in range(length))


@dataclass(frozen=True, eq=False)
class Rhythm:
    """When a stream is busy: mean daily requests, local-time offset, weekend factor, quiet hours, first active day.

    Compared by identity so caches keyed on it stay cheap; a cost stream shares the rhythm of its usage stream.
    """

    seed: int
    key: int
    daily: int
    tz: int
    weekend: float
    quiet_hours: frozenset[int]
    start_day: int


@dataclass(frozen=True)
class Stream:
    """One steady source of traffic (a fixed combination of dimension values) with its rhythm and per-request sizes."""

    endpoint: str
    dims: tuple[tuple[str, Scalar], ...]
    per_request: tuple[int, ...]
    rhythm: Rhythm

    def dim(self, name: str) -> Scalar:
        """Value of a dimension, None when the stream has no such dimension."""
        for k, v in self.dims:
            if k == name:
                return v
        return None


@dataclass(frozen=True)
class ApiKey:
    """An API key, owned by one user inside one project."""

    id: str
    project_id: str
    user_id: str


@dataclass
class Org:
    """Everything that exists in the synthetic organization."""

    seed: int
    scale: int
    projects: list[str] = field(default_factory=list)
    users: list[str] = field(default_factory=list)
    keys: list[ApiKey] = field(default_factory=list)
    vector_stores: dict[str, list[str]] = field(default_factory=dict)
    streams: dict[str, list[Stream]] = field(default_factory=dict)
    line_item_units: dict[str, tuple[str | None, int]] = field(default_factory=dict)


class _Builder:
    def __init__(self, seed: int, scale: int) -> None:
        self.seed = seed
        self.scale = scale
        self.org = Org(seed=seed, scale=scale)
        self.counter = 0

    def h(self, *parts: int) -> int:
        return mix(self.seed, *parts)

    def u(self, *parts: int) -> float:
        return unit(self.seed, *parts)

    def stream(self, endpoint: str, dims: Mapping[str, Scalar], per_request: tuple[int, ...], daily: int) -> Stream:
        self.counter += 1
        n = self.counter
        key = self.h(text_key(endpoint), n)
        quiet = frozenset(hr for hr in range(24) if unit(key, 1, hr) < 0.12)
        rhythm = Rhythm(
            seed=self.seed,
            key=key,
            daily=daily,
            tz=pick(24, key, 2),
            weekend=0.2 + 0.8 * unit(key, 3) if unit(key, 4) < 0.5 else 1.0,
            quiet_hours=quiet,
            start_day=pick(30, key, 5) if unit(key, 6) < 0.3 else 0,
        )
        return Stream(endpoint=endpoint, dims=tuple(dims.items()), per_request=per_request, rhythm=rhythm)

    def build(self) -> Org:
        s = self.scale
        o = self.org
        o.projects = [_ident("proj_", _ALNUM, 16, self.seed, 1, i) for i in range(2 + 2 * s)]
        o.users = [_ident("user-", _LOWER, 24, self.seed, 2, i) for i in range(3 + 3 * s)]
        for pi, proj in enumerate(o.projects):
            for ki in range(2 + (1 if s > 1 else 0)):
                kid = _ident("key_", _ALNUM, 16, self.seed, 3, pi, ki)
                user = o.users[pick(len(o.users), self.seed, 4, pi, ki)]
                o.keys.append(ApiKey(kid, proj, user))
            o.vector_stores[proj] = [_ident("vs_", _ALNUM, 24, self.seed, 5, pi, v) for v in range(1 + pi % 3)]
        chat = list(CHAT_MODELS) + [f"ft:gpt-4o-mini-2024-07-18:org-sandbox::{i:04d}" for i in range(2 * (s - 1))]
        o.streams = {name: [] for name in ENDPOINTS}
        for ki, key in enumerate(o.keys):
            self._key_streams(ki, key, chat)
        for pi, proj in enumerate(o.projects):
            base: dict[str, Scalar] = {"project_id": proj}
            for vi, _vs in enumerate(o.vector_stores[proj]):
                size = (1 << 20) * (1 + pick(64, self.seed, 6, pi, vi))
                o.streams["vector_stores"].append(self.stream("vector_stores", base, (size,), 60 + pick(600, pi, vi)))
            if self.u(7, pi) < 0.8:
                o.streams["code_interpreter_sessions"].append(
                    self.stream("code_interpreter_sessions", base, (1,), 5 + pick(80, self.seed, 8, pi))
                )
        self._costs()
        return o

    def _key_streams(self, ki: int, key: ApiKey, chat: list[str]) -> None:
        o = self.org
        who: dict[str, Scalar] = {"project_id": key.project_id, "user_id": key.user_id, "api_key_id": key.id}
        for mi in range(1 + pick(3, self.seed, 10, ki)):
            model = chat[pick(len(chat), self.seed, 11, ki, mi)]
            for variant in range(1 + pick(3, self.seed, 12, ki, mi)):
                batch = variant == 2
                tier = "default" if batch else SERVICE_TIERS[pick(3, self.seed, 13, ki, mi, variant)]
                source = "agents_api" if self.u(14, ki, mi, variant) < 0.25 else "unlabeled"
                dims = {**who, "model": model, "batch": batch, "service_tier": tier, "api_source": source}
                tokens = self._completion_sizes(model, ki, mi, variant)
                o.streams["completions"].append(
                    self.stream("completions", dims, tokens, 200 + pick(4000, ki, mi, variant))
                )
                if self.u(15, ki, mi, variant) < 0.3:
                    o.streams["decisions"].append(self.stream("decisions", dims, tokens, 50 + pick(800, ki, mi)))
        simple = (
            ("embeddings", EMBEDDING_MODELS, 0.7, (300, 2000)),
            ("moderations", MODERATION_MODELS, 0.5, (40, 800)),
            ("audio_speeches", TTS_MODELS, 0.3, (100, 1500)),
            ("audio_transcriptions", STT_MODELS, 0.3, (10, 600)),
        )
        for ei, (ep, models, p, (lo, hi)) in enumerate(simple):
            if self.u(20 + ei, ki) < p:
                model = models[pick(len(models), self.seed, 30 + ei, ki)]
                per = (lo + pick(hi - lo, self.seed, 40 + ei, ki), 1)
                o.streams[ep].append(self.stream(ep, {**who, "model": model}, per, 20 + pick(900, ki, ei)))
        if self.u(50, ki) < 0.5:
            model = list(IMAGE_MODELS)[pick(len(IMAGE_MODELS), self.seed, 51, ki)]
            sources, sizes = IMAGE_MODELS[model]
            for si, src in enumerate(sources):
                for zi, size in enumerate(sizes):
                    if self.u(52, ki, si, zi) < 0.6:
                        per = (1 + pick(4, self.seed, 53, ki, si, zi), 1)
                        dims = {**who, "model": model, "size": size, "source": src}
                        o.streams["images"].append(self.stream("images", dims, per, 3 + pick(120, ki, si, zi)))
        stores = o.vector_stores[key.project_id]
        if self.u(60, ki) < 0.6:
            for vi, vs in enumerate(stores):
                dims = {**who, "vector_store_id": vs}
                o.streams["file_search_calls"].append(
                    self.stream("file_search_calls", dims, (1,), 10 + pick(500, ki, vi))
                )
        if self.u(61, ki) < 0.5:
            model = SEARCH_MODELS[pick(len(SEARCH_MODELS), self.seed, 62, ki)]
            for li in range(1 + pick(3, self.seed, 63, ki)):
                level = ("medium", "low", "high")[li]
                source = "agents_api" if self.u(64, ki, li) < 0.3 else "unlabeled"
                dims = {**who, "model": model, "context_level": level, "api_source": source}
                per = (1, 1 + pick(3, self.seed, 65, ki, li))
                o.streams["web_search_calls"].append(self.stream("web_search_calls", dims, per, 5 + pick(300, ki, li)))

    def _completion_sizes(self, model: str, *coords: int) -> tuple[int, ...]:
        audio = "audio" in model
        r = [pick(1 << 16, self.seed, 70, *coords, i) for i in range(12)]
        return (
            1,
            200 + r[1] % 3000,  # input_text
            r[2] % 1500,  # input_cached_text
            (50 + r[3] % 800) if audio else 0,  # input_audio
            (r[4] % 200) if audio else 0,  # input_cached_audio
            (r[5] % 600) if r[0] % 4 == 0 else 0,  # input_image
            (r[6] % 100) if r[0] % 8 == 0 else 0,  # input_cached_image
            r[7] % 300,  # cache write 30m
            (r[8] % 200) if r[0] % 3 == 0 else 0,  # cache write 12h
            50 + r[9] % 900,  # output_text
            (20 + r[10] % 400) if audio else 0,  # output_audio
            0,  # output_image
        )

    def _costs(self) -> None:
        o = self.org
        for ep in ENDPOINTS.values():
            if ep.is_costs:
                continue
            for st in o.streams[ep.name]:
                for item in line_items_for(ep, st):
                    o.line_item_units[item.name] = (item.unit, item.divisor)
                    source = st.dim("api_source") if "api_source" in ep.dims else "unlabeled"
                    dims: dict[str, Scalar] = {
                        "project_id": st.dim("project_id"),
                        "user_id": st.dim("user_id"),
                        "line_item": item.name,
                        "api_key_id": st.dim("api_key_id"),
                        "api_source": source,
                    }
                    o.streams["costs"].append(
                        Stream(
                            endpoint="costs",
                            dims=tuple(dims.items()),
                            per_request=(item.quantity_per_request * item.price_pico, item.quantity_per_request),
                            rhythm=st.rhythm,
                        )
                    )


@lru_cache(maxsize=16)
def build_org(seed: int, scale: int) -> Org:
    """The organization for a seed and scale (cached: it is immutable in practice)."""
    return _Builder(seed, scale).build()
