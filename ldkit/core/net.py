"""HTTP for ldkit's services (arXiv, DOI, chat webhooks): one whole-request deadline, size limits, honest retries.

Every call is bounded as a whole (connect and every byte of the answer) by LDKIT_NET_TIMEOUT (default 10 s) plus at
most one short retry wait: a server that drips one byte every 2 s cannot hold a command. `requests` is imported
only when a request is really made. Messages never contain the URL: a webhook URL is a secret.
"""
from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ldkit.core.errors import LdkitError, MaybeDelivered, NetworkError, NotDelivered  # noqa: F401 - re-exported

MAX_BODY = 5 * 1024 * 1024
MAX_RETRY_WAIT = 5.0  # the one wait a call may add to its deadline, Retry-After included
DEFAULT_TIMEOUT = 10.0


def timeout() -> float:
    """The whole-request budget in seconds (LDKIT_NET_TIMEOUT)."""
    try:
        value = float(os.environ.get("LDKIT_NET_TIMEOUT", DEFAULT_TIMEOUT))
    except ValueError:
        return DEFAULT_TIMEOUT
    return value if value > 0 else DEFAULT_TIMEOUT


def _say_waiting(message: str) -> None:
    print(f"ldkit: {message}", file=sys.stderr, flush=True)


on_wait: Callable[[str], None] = _say_waiting  # how a wait is announced; the CLI's stderr by default


def retry_wait(retry_after: str | None, default: float = 1.0) -> float | None:
    """Seconds to wait before the one retry, or None when the server asks for longer than a short wait."""
    if retry_after:
        try:
            asked = max(0.0, float(retry_after))
        except ValueError:
            asked = default  # an HTTP date: not worth parsing for a short wait
        return asked if asked <= MAX_RETRY_WAIT else None
    return default


@dataclass
class _Answer:
    status: int
    body: bytes
    headers: dict[str, str]


class _Expired(Exception):
    pass


class _ConnectFailed(Exception):
    """No connection was made, so nothing was sent."""


def _attempt(method: str, url: str, seconds: float, service: str, allow_redirects: bool,
             **kw: Any) -> _Answer:
    """One request in a helper thread, abandoned (and its connection closed) when `seconds` run out."""
    import requests

    box: dict[str, Any] = {}
    done = threading.Event()
    cancelled = threading.Event()

    def work() -> None:
        try:
            connect = max(0.1, min(seconds, 5.0))
            with requests.request(method, url, timeout=(connect, max(0.1, seconds)), stream=True,
                                  allow_redirects=allow_redirects, **kw) as response:
                box["response"] = response
                body = _read_limited(response, service, cancelled)
                box["answer"] = _Answer(response.status_code, body, dict(response.headers))
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc
        finally:
            done.set()

    thread = threading.Thread(target=work, name="ldkit-http", daemon=True)
    thread.start()
    if not done.wait(seconds):
        cancelled.set()
        _abandon(box.get("response"))
        raise _Expired()
    error = box.get("error")
    if error is not None:
        if isinstance(error, (requests.exceptions.ConnectTimeout,)) or (
                isinstance(error, requests.ConnectionError) and _before_sending(error)):
            raise _ConnectFailed() from error
        if isinstance(error, requests.Timeout):
            raise _Expired() from error
        if isinstance(error, NetworkError):
            raise error
        if isinstance(error, requests.RequestException):
            raise error
        raise NetworkError(f"{service}: {type(error).__name__}") from None
    return box["answer"]


def _abandon(response: Any) -> None:
    """Cut the connection under a helper thread that is still reading, without waiting for it.

    `response.close()` would wait for the reader's buffer lock, i.e. for the dripping server; a shutdown does not."""
    import socket

    sock = getattr(getattr(getattr(response, "raw", None), "connection", None), "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _before_sending(error: Exception) -> bool:
    """True when the connection itself failed (refused, no route, no such host): no byte of ours left."""
    from urllib3.exceptions import NameResolutionError, NewConnectionError

    seen: Any = error
    for _ in range(6):
        if isinstance(seen, (NewConnectionError, NameResolutionError)):
            return True
        seen = getattr(seen, "reason", None) or (seen.args[0] if getattr(seen, "args", None) else None)
        if seen is None:
            return False
    return False


def request(method: str, url: str, *, service: str, params: dict[str, str] | None = None,
            headers: dict[str, str] | None = None, json_body: Any = None,
            before_each: Callable[[], None] | None = None) -> tuple[int, bytes, dict[str, str]]:
    """An idempotent request (GET) under one deadline, retried once on 429, 5xx or a refused connection.

    Redirects are followed (the DOI resolver redirects). Raises NetworkError."""
    import requests

    budget = timeout()
    deadline = time.monotonic() + budget
    waited = False
    while True:
        if before_each:
            before_each()
        left = deadline - time.monotonic()
        if left <= 0:
            raise NetworkError(f"{service} did not answer within {budget:g} s")
        try:
            answer = _attempt(method, url, left, service, True, params=params, headers=headers, json=json_body)
        except _Expired:
            raise NetworkError(f"{service} did not answer within {budget:g} s (LDKIT_NET_TIMEOUT)") from None
        except _ConnectFailed:
            if waited:
                raise NetworkError(f"cannot reach {service}; are you offline?") from None
            deadline += _pause(1.0, f"cannot reach {service}; trying once more")
            waited = True
            continue
        except requests.RequestException as exc:
            raise NetworkError(f"cannot reach {service} ({type(exc).__name__}); are you offline?") from None
        if answer.status == 429 or 500 <= answer.status < 600:
            problem = f"{service} answered HTTP {answer.status}"
            pause = retry_wait(answer.headers.get("Retry-After"))
            if waited:
                raise NetworkError(f"{problem} twice; try again later")
            if pause is None:
                raise NetworkError(f"{problem} and asked to retry after {answer.headers.get('Retry-After')} s; "
                                   f"not waiting that long (at most {MAX_RETRY_WAIT:g} s)")
            deadline += _pause(pause, f"{problem}; waiting {pause:g} s to try once more")
            waited = True
            continue
        return answer.status, answer.body, answer.headers


def _pause(seconds: float, message: str) -> float:
    """The one short wait a call may make; it extends the deadline by itself and nothing else does."""
    on_wait(message)
    time.sleep(seconds)
    return seconds


def post_json(url: str, body: Any, *, service: str) -> int:
    """POST once, never following a redirect; retried only when provably not delivered (refused, 429).

    Returns the 2xx status. Raises NotDelivered (safe to send again) or MaybeDelivered (it may have arrived)."""
    import requests

    budget = timeout()
    deadline = time.monotonic() + budget
    waited = False
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise NotDelivered(f"{service} could not be reached within {budget:g} s")
        try:
            answer = _attempt("POST", url, left, service, False, json=body)
        except _ConnectFailed:
            if waited:
                raise NotDelivered(f"cannot reach {service}; nothing was sent") from None
            deadline += _pause(1.0, f"cannot reach {service}; trying once more")
            waited = True
            continue
        except _Expired:
            raise MaybeDelivered(f"{service} took the message but did not answer within {budget:g} s") from None
        except requests.RequestException as exc:
            raise MaybeDelivered(f"the connection to {service} broke after the message was sent "
                                 f"({type(exc).__name__})") from None
        status = answer.status
        if 200 <= status < 300:
            return status
        if 300 <= status < 400:
            raise NotDelivered(f"{service} answered HTTP {status} (a redirect); ldkit never follows a redirect "
                               "with a message, so nothing was delivered. Check the webhook URL")
        if status == 429:
            pause = retry_wait(answer.headers.get("Retry-After"))
            if waited or pause is None:
                raise NotDelivered(f"{service} answered HTTP 429 (too many requests); nothing was delivered")
            deadline += _pause(pause, f"{service} answered HTTP 429; waiting {pause:g} s to try once more")
            waited = True
            continue
        detail = answer.body.decode("utf-8", "replace").strip()[:200]
        detail = f" ({detail})" if detail else ""
        if status >= 500:
            raise MaybeDelivered(f"{service} answered HTTP {status}{detail} after receiving the message")
        raise NotDelivered(f"{service} refused the message: HTTP {status}{detail}")


def _read_limited(response: Any, service: str, cancelled: threading.Event) -> bytes:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY:
        raise NetworkError(f"{service} sent {int(declared):,} bytes; refused (the limit is {MAX_BODY:,})")
    chunks, size = [], 0
    for chunk in response.iter_content(64 * 1024):
        if cancelled.is_set():
            break
        size += len(chunk)
        if size > MAX_BODY:
            raise NetworkError(f"{service} sent more than {MAX_BODY:,} bytes; refused")
        chunks.append(chunk)
    return b"".join(chunks)
