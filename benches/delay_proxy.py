#!/usr/bin/env python3
"""A loopback TCP proxy that adds a fixed delay in each direction, to make
status benchmarks see network latency. Bounded: it serves only on
127.0.0.1 and exits after --seconds.

usage: delay_proxy.py --delay-ms 20 --target-port 5432 --seconds 600 [--log FILE] LISTEN_PORT...
Each LISTEN_PORT forwards to 127.0.0.1:TARGET_PORT.

--log FILE counts round trips: it appends one JSON line per connection when
it opens ({"event": "open", ...}) and when it closes ({"event": "close",
...}). A client flight is a run of client->server reads with no server data
in between (a pipelined batch is one flight); it is a round trip when the
server answers it. The PostgreSQL start-up (SSLRequest / GSSENCRequest,
StartupMessage, authentication) is counted apart: it ends with the server's
first ReadyForQuery. The close line holds:
  flights, round_trips      client flights / answered ones after start-up
  startup_flights           client flights up to the first ReadyForQuery
  client_writes             client->server reads after start-up
  c2s_bytes, s2c_bytes      bytes each way (whole connection)
  tls                       true if TLS was agreed (then everything counts
                            as start-up: the stream cannot be read)
Without --log the proxy behaves as before (no counting).
"""
import argparse
import asyncio
import itertools
import json
import struct
import time


class Counter:
    """Round-trip bookkeeping of one proxied connection (see --log)."""

    def __init__(self, conn, port):
        self.conn = conn
        self.port = port
        self.opened = time.time()
        self.last = None  # 'c' or 's': who sent the last data seen
        self.in_startup = True
        self.tls = False
        self.startup_flights = 0
        self.flights = 0
        self.round_trips = 0
        self.flight_counted = False  # the current client flight is after start-up
        self.client_writes = 0
        self.c2s = 0
        self.s2c = 0
        self.sbuf = b""
        self.sstate = "first"  # 'first': single-byte SSL/GSS answers may come; 'msg': typed messages; 'done'

    def client(self, data):
        self.c2s += len(data)
        if not self.in_startup:
            self.client_writes += 1
        if self.last != "c":
            if self.in_startup:
                self.startup_flights += 1
                self.flight_counted = False
            else:
                self.flights += 1
                self.flight_counted = True
        self.last = "c"

    def server(self, data):
        self.s2c += len(data)
        if self.last == "c" and self.flight_counted:
            self.round_trips += 1
        self.last = "s"
        if self.in_startup:
            self._parse(data)

    def _parse(self, data):
        # Find the first ReadyForQuery ('Z') of the server's stream. Before the
        # first message the server may answer SSLRequest / GSSENCRequest with a
        # single byte: 'N' (no), 'S' / 'G' (yes: encrypted from then on).
        self.sbuf += data
        while self.sbuf and self.in_startup:
            if self.sstate == "first":
                b = self.sbuf[:1]
                if b == b"N":
                    self.sbuf = self.sbuf[1:]
                    continue
                if b in (b"S", b"G"):
                    self.tls = True
                    self.in_startup = True
                    self.sstate = "done"
                    self.sbuf = b""
                    return
                self.sstate = "msg"
            if len(self.sbuf) < 5:
                return
            kind = self.sbuf[:1]
            (length,) = struct.unpack("!I", self.sbuf[1:5])
            if len(self.sbuf) < 1 + length:
                return
            self.sbuf = self.sbuf[1 + length :]
            if kind == b"Z":
                self.in_startup = False
                self.sbuf = b""

    def record(self, event):
        d = {"event": event, "conn": self.conn, "port": self.port, "t": round(time.time(), 6)}
        if event == "close":
            d.update(
                startup_flights=self.startup_flights,
                flights=self.flights,
                round_trips=self.round_trips,
                client_writes=self.client_writes,
                c2s_bytes=self.c2s,
                s2c_bytes=self.s2c,
                tls=self.tls,
                seconds=round(time.time() - self.opened, 6),
            )
        return json.dumps(d)


async def pump(reader, writer, delay, on_data=None):
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
            if on_data is not None:
                on_data(data)
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
    p.add_argument("--log", help="append per-connection round-trip counts (JSON lines) to this file")
    p.add_argument("ports", type=int, nargs="+")
    a = p.parse_args()
    delay = a.delay_ms / 1000.0
    log = open(a.log, "a", buffering=1) if a.log else None
    ids = itertools.count(1)

    async def handle(cr, cw):
        counter = None
        if log is not None:
            counter = Counter(next(ids), cw.get_extra_info("sockname")[1])
            log.write(counter.record("open") + "\n")
        try:
            sr, sw = await asyncio.open_connection("127.0.0.1", a.target_port)
        except OSError:
            cw.close()
            if counter is not None:
                log.write(counter.record("close") + "\n")
            return
        if counter is None:
            await asyncio.gather(pump(cr, sw, delay), pump(sr, cw, delay))
        else:
            try:
                await asyncio.gather(pump(cr, sw, delay, counter.client), pump(sr, cw, delay, counter.server))
            finally:
                log.write(counter.record("close") + "\n")

    servers = [await asyncio.start_server(handle, "127.0.0.1", port) for port in a.ports]
    print("ready", flush=True)
    await asyncio.sleep(a.seconds)
    for s in servers:
        s.close()


asyncio.run(main())
