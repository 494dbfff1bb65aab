"""HTTP for ldkit's services (arXiv, DOI, chat webhooks): timeouts, size limits, polite retries, clear errors.

`requests` is imported only when a request is really made. Error messages never contain the URL: a webhook URL
is a secret.
"""
from __future__ import annotations

import os
import time
from typing import Any, Callable

from ldkit.errors import LdkitError

RETRIES = 2
MAX_BODY = 5 * 1024 * 1024


class NetworkError(LdkitError):
    """A service could not be reached, or kept failing."""


def timeout() -> float:
    try:
        return float(os.environ.get("LDKIT_NET_TIMEOUT", "10"))
    except ValueError:
        return 10.0


def backoff(attempt: int, retry_after: str | None) -> float:
    """1 s, then 2 s; a server's Retry-After (in seconds, at most 60) wins."""
    if retry_after:
        try:
            return min(60.0, max(0.0, float(retry_after)))
        except ValueError:
            pass
    return float(2 ** attempt)


def request(method: str, url: str, *, service: str, params: dict[str, str] | None = None,
            headers: dict[str, str] | None = None, json_body: Any = None,
            before_each: Callable[[], None] | None = None) -> tuple[int, bytes, dict[str, str]]:
    """One HTTP request with 2 retries on 5xx and 429 (honouring Retry-After); raises NetworkError."""
    import requests

    last = ""
    for attempt in range(RETRIES + 1):
        if before_each:
            before_each()
        try:
            with requests.request(method, url, params=params, headers=headers, json=json_body, timeout=timeout(),
                                  stream=True) as response:
                body = _read_limited(response, service)
                status, answer_headers = response.status_code, dict(response.headers)
        except requests.Timeout:
            raise NetworkError(f"{service} did not answer within {timeout():g} s") from None
        except requests.RequestException as exc:
            raise NetworkError(f"cannot reach {service} ({type(exc).__name__}); are you offline?") from None
        if status == 429 or 500 <= status < 600:
            last = f"{service} answered HTTP {status}"
            if attempt < RETRIES:
                time.sleep(backoff(attempt, answer_headers.get("Retry-After")))
                continue
            raise NetworkError(f"{last} after {RETRIES + 1} tries")
        return status, body, answer_headers
    raise NetworkError(last)  # pragma: no cover


def _read_limited(response: Any, service: str) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise NetworkError(f"{service} sent {int(declared):,} bytes; refused (the limit is {MAX_BODY:,})")
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_BODY:
            raise NetworkError(f"{service} sent more than {MAX_BODY:,} bytes; refused")
        chunks.append(chunk)
    return b"".join(chunks)
