"""Model providers: the operator's OpenAI-compatible endpoints, called with the `openai` SDK.

Users only pick a provider by name and one of its configured models; no URL ever comes from a
request, so the server never fetches an address a user chose. Each provider's errors are turned
into one `ProviderError` with plain words for the person waiting for their text.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any

import openai

from generation.demo_model import LABEL, MODEL_ID, demo_model
from generation.settings import DEMO_PROVIDER, GenerationSettings, ProviderConfig


class ProviderError(Exception):
    """`code` is stable (recorded, shown to clients); `message` is for people."""

    def __init__(self, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after = retry_after


@dataclass
class Provider:
    config: ProviderConfig
    local: bool = False
    slots: asyncio.Semaphore = field(init=False)

    def __post_init__(self) -> None:
        self.slots = asyncio.Semaphore(self.config.concurrency)

    @property
    def name(self) -> str:
        return self.config.name

    def public(self) -> dict[str, Any]:
        c = self.config
        return {
            "name": c.name,
            "label": c.label or c.name,
            "models": c.models,
            "default_model": c.models[0],
            "max_tokens": c.max_tokens,
            "local_demo": self.local,
        }

    def client(self) -> openai.AsyncOpenAI:
        c = self.config
        return openai.AsyncOpenAI(
            base_url=c.base_url,
            api_key=c.api_key,
            max_retries=0,  # a retry would silently double the wait; the user sees the error
            timeout=openai.Timeout(c.timeout_s, connect=min(10.0, c.timeout_s)),
        )


@dataclass
class Delta:
    text: str


@dataclass
class Usage:
    tokens_in: int
    tokens_out: int


class ProviderRegistry:
    def __init__(self, settings: GenerationSettings) -> None:
        self.settings = settings
        self.providers: dict[str, Provider] = {p.name: Provider(p) for p in settings.providers}

    async def start(self) -> None:
        """With nothing configured, load the demo model (once per process)."""
        if self.providers or not self.settings.demo_model:
            return
        base_url = await demo_model.start(
            self.settings.demo_context, self.settings.demo_parallel, self.settings.demo_threads
        )
        config = ProviderConfig(
            name=DEMO_PROVIDER,
            label=LABEL,
            base_url=base_url,
            api_key=demo_model.api_key,
            models=[MODEL_ID],
            max_tokens=256,
            timeout_s=120.0,
            concurrency=self.settings.demo_parallel,
        )
        self.providers[DEMO_PROVIDER] = Provider(config, local=True)

    def public(self) -> list[dict[str, Any]]:
        return [p.public() for p in self.providers.values()]

    def choose(self, name: str | None, model: str | None) -> tuple[Provider, str]:
        from generation.errors import UnknownProvider

        if not self.providers:
            raise UnknownProvider("No model provider is configured.")
        provider = self.providers.get(name) if name else next(iter(self.providers.values()))
        if provider is None:
            raise UnknownProvider(f"There is no provider called {name!r}.")
        if model is None:
            return provider, provider.config.models[0]
        if model not in provider.config.models:
            raise UnknownProvider(f"{provider.name} does not offer the model {model!r}.")
        return provider, model


def _status_error(exc: openai.APIStatusError) -> ProviderError:
    status = exc.status_code
    if status == 429:
        after = exc.response.headers.get("retry-after", "")
        return ProviderError(
            "provider_busy",
            "The model is busy right now (too many requests). Please try again in a minute.",
            int(after) if after.isdigit() else 60,
        )
    if status in (401, 403):
        return ProviderError(
            "provider_refused_key",
            "The model provider refused the platform's key. An administrator needs to fix it.",
        )
    if status == 404:
        return ProviderError(
            "provider_model_missing", "The model provider does not have this model."
        )
    if status >= 500:
        return ProviderError(
            "provider_error",
            f"The model provider had a problem (error {status}). Please try again later.",
        )
    return ProviderError(
        "provider_rejected", f"The model provider could not handle this request (error {status})."
    )


def provider_error(exc: BaseException) -> ProviderError:
    """Any failure while calling or reading a provider, in plain words."""
    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, openai.APITimeoutError | TimeoutError):
        return ProviderError(
            "provider_timeout",
            "The model took too long to answer. Please try again, or ask for a shorter text.",
        )
    if isinstance(exc, openai.APIStatusError):
        return _status_error(exc)
    if isinstance(exc, openai.APIConnectionError):
        return ProviderError(
            "provider_unreachable", "The model could not be reached. Please try again later."
        )
    return broken_stream()


def broken_stream() -> ProviderError:
    return ProviderError(
        "provider_broken_stream",
        "The model's answer was cut off. What arrived so far is kept; please try again.",
    )


async def stream_chat(
    provider: Provider,
    model: str,
    messages: list[dict[str, str]],
    *,
    temperature: float,
    seed: int | None,
    max_tokens: int,
) -> AsyncGenerator[Delta | Usage, None]:
    """Text deltas, then one `Usage`. Closing the generator closes the upstream stream (Stop)."""
    client = provider.client()
    try:
        async with provider.slots:
            try:
                stream = await client.chat.completions.create(  # type: ignore[call-overload]
                    model=model,
                    messages=messages,
                    temperature=temperature,
                    seed=seed,
                    max_tokens=max_tokens,
                    stream=True,
                    stream_options={"include_usage": True},
                )
            except Exception as exc:
                raise provider_error(exc) from exc
            finished = False
            usage: Usage | None = None
            try:
                async for chunk in stream:
                    if chunk.usage is not None:
                        usage = Usage(chunk.usage.prompt_tokens, chunk.usage.completion_tokens)
                    for choice in chunk.choices or ():
                        if choice.delta and choice.delta.content:
                            yield Delta(choice.delta.content)
                        if choice.finish_reason:
                            finished = True
            except Exception as exc:  # the SDK's errors, its transport's, undecodable chunks
                raise provider_error(exc) from exc
            finally:
                await stream.close()
            if not finished:
                raise broken_stream()  # the connection ended before the model said it was done
            yield usage or Usage(0, 0)
    finally:
        await client.close()
