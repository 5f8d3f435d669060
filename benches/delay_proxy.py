#!/usr/bin/env python3
"""A loopback TCP proxy that adds a fixed delay in each direction, to make
status benchmarks see network latency. Bounded: it serves only on
127.0.0.1 and exits after --seconds.

usage: delay_proxy.py --delay-ms 20 --target-port 5432 --seconds 600 LISTEN_PORT...
Each LISTEN_PORT forwards to 127.0.0.1:TARGET_PORT.
"""
import argparse
import asyncio
import time


async def pump(reader, writer, delay):
    queue = asyncio.Queue()

    async def deliver():
        while True:
            due, data = await queue.get()
            if data is None:
                break
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            writer.write(data)
            await writer.drain()
        writer.close()

    task = asyncio.create_task(deliver())
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            queue.put_nowait((time.monotonic() + delay, data))
    except ConnectionError:
        pass
    queue.put_nowait((0, None))
    try:
        await task
    except ConnectionError:
        pass


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--delay-ms", type=float, default=20)
    p.add_argument("--target-port", type=int, required=True)
    p.add_argument("--seconds", type=float, default=600)
    p.add_argument("ports", type=int, nargs="+")
    a = p.parse_args()
    delay = a.delay_ms / 1000.0

    async def handle(cr, cw):
        try:
            sr, sw = await asyncio.open_connection("127.0.0.1", a.target_port)
        except OSError:
            cw.close()
            return
        await asyncio.gather(pump(cr, sw, delay), pump(sr, cw, delay))

    servers = [await asyncio.start_server(handle, "127.0.0.1", port) for port in a.ports]
    print("ready", flush=True)
    await asyncio.sleep(a.seconds)
    for s in servers:
        s.close()


asyncio.run(main())
