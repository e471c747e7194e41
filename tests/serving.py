"""Helpers for the HTTP service's tests: a real uvicorn server on a free loopback port, and a urllib client."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

HOST = "127.0.0.1"


def free_port() -> int:
    """A TCP port nothing listens on, on the loopback address."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def thread_server(app: Any) -> Iterator[str]:
    """Serve `app` with uvicorn in a thread of this process; yield its base URL."""
    import uvicorn

    config = uvicorn.Config(app, host=HOST, port=free_port(), log_level="critical", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://{HOST}:{config.port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def process_server(*extra: str) -> Iterator[str]:
    """Run `python -m diagnose serve` in a subprocess on a free port; yield its base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "diagnose", "serve", "--host", HOST, "--port", str(port), *extra]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ})
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "exited"
            assert time.monotonic() < deadline, "the server did not start"
            try:
                if call("GET", base + "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(10)
        if proc.stderr:
            proc.stderr.close()


def call(
    method: str, url: str, body: object = None, *, raw: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """One request; the status and the JSON body (the text when it is not JSON)."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    head = {"Content-Type": "application/json"} if data is not None else {}
    request = urllib.request.Request(url, data=data, method=method, headers={**head, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode()
        exc.close()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text
