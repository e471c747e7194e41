"""Load on the HTTP service: N workers, C concurrent clients running whole consultations, on 127.0.0.1 only.

    pip install -e ".[server]"
    .venv/bin/python benchmarks/load.py [--workers 4] [--clients 50] [--requests 4000] [--seconds 60]

It starts `python -m diagnose serve` on a free loopback port, then C clients (asyncio, one keep-alive connection
each) run consultations of the knowledge base's example cases: the first message, then each question answered
by choice id from the example until the service stops, then /v1/consultations/result. It stops after
--requests requests or --seconds seconds, whichever comes first, and prints throughput and latency
percentiles. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from serving import HOST, free_port  # noqa: E402

import diagnose  # noqa: E402


class Client:
    """One keep-alive HTTP/1.1 connection to the service."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def post(self, path: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """POST a JSON body and read the JSON response."""
        data = json.dumps(body, ensure_ascii=False).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n"
        )
        self.writer.write(head.encode() + data)
        await self.writer.drain()
        status_line = await self.reader.readline()
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return int(status_line.split()[1]), json.loads(payload)


async def consult(client: Client, facts: dict[str, str], story: str, latencies: list[float]) -> int:
    """One whole consultation; return how many requests it made (all must succeed)."""

    async def timed(path: str, body: dict[str, Any]) -> dict[str, Any]:
        start = time.perf_counter()
        status, data = await client.post(path, body)
        latencies.append(time.perf_counter() - start)
        assert status == 200, data
        return data

    data = await timed("/v1/consultations", {"message": story})
    count = 1
    while not data["should_stop"]:
        fact = data["question"]["id"]
        data = await timed("/v1/consultations/answer", {"state": data["state"], "fact": fact, "value": facts.get(fact)})
        count += 1
    await timed("/v1/consultations/result", {"state": data["state"]})
    return count + 1


async def run(port: int, clients: int, budget: int, seconds: float) -> tuple[list[float], float]:
    """Run the clients until the request budget or the time is spent; return the latencies and the wall time."""
    kb = diagnose.load_knowledge()
    cases = [(dict(ex.facts), ex.story or "我的医保个人账户余额是0") for c in kb.causes.values() for ex in c.examples]
    latencies: list[float] = []
    start = time.perf_counter()

    async def one(i: int) -> None:
        client = Client(*await asyncio.open_connection(HOST, port))
        n = i
        while len(latencies) < budget and time.perf_counter() - start < seconds:
            facts, story = cases[n % len(cases)]
            await consult(client, facts, story, latencies)
            n += clients
        client.writer.close()

    await asyncio.gather(*(one(i) for i in range(clients)))
    return latencies, time.perf_counter() - start


def main() -> None:
    """Start the service, load it, print the figures."""
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--requests", type=int, default=4000, help="stop after about this many requests")
    p.add_argument("--seconds", type=float, default=60, help="stop after this long")
    args = p.parse_args()
    port = free_port()
    cmd = [sys.executable, "-m", "diagnose", "serve", "--host", HOST, "--port", str(port)]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    server = subprocess.Popen([*cmd, "--workers", str(args.workers)], **quiet)
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        latencies, wall = asyncio.run(run(port, args.clients, args.requests, args.seconds))
    finally:
        server.terminate()
        server.wait(10)
    ordered = sorted(latencies)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(len(ordered) * q))] * 1000

    print(
        f"{args.workers} workers, {args.clients} clients: {len(ordered)} requests in {wall:.1f} s, "
        f"{len(ordered) / wall:.0f} requests/s; latency p50 {pct(0.5):.1f} ms, p90 {pct(0.9):.1f} ms, "
        f"p99 {pct(0.99):.1f} ms, max {ordered[-1] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
