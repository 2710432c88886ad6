#!/usr/bin/env python3
"""A straightforward Postfix SMTPD policy daemon in Python, as an admin would write it.

The baseline for bench/policy.sh: asyncio, one coroutine per connection, the listings in
Python sets. It answers every request with a 550 for a listed client_address and DUNNO
otherwise, exactly the decision `senderdesk serve --policy` makes.

Usage: policy_daemon.py PORT|SOCKET_PATH V4_ZONE [V6_ZONE] [--parent PID]

A first argument with a "/" in it is a unix socket path to listen on (as Postfix's
`check_policy_service unix:…` talks); otherwise a TCP port on 127.0.0.1.

The zone files are rbldnsd format (as `senderdesk-bench gen-rbldnsd` writes them): one
address or CIDR per line, lines starting with `$`, `:` or `#` are not listings. With
--parent, the daemon exits when that process is gone, so it never outlives the bench script.
Standard library only.
"""

import asyncio
import ipaddress
import os
import sys
import time

REJECT = (
    "action=550 5.7.606 Access denied, banned sending IP [{ip}]. To request removal from this "
    "list please visit http://127.0.0.1:8080/delist?ip={ip} and follow the directions.\n\n"
)
DUNNO = b"action=DUNNO\n\n"


class Blocklist:
    """Hosts in a set of ints; networks in one set of network ints per prefix length."""

    def __init__(self):
        self.hosts = {4: set(), 6: set()}
        self.nets = {4: {}, 6: {}}  # version -> {prefix length: set of network >> host bits}
        self.bits = {4: 32, 6: 128}

    def load(self, path):
        count = 0
        with open(path) as f:
            for line in f:
                line = line.strip()
                if not line or line[0] in "$:#":
                    continue
                entry = line.split()[0]
                if "/" in entry:
                    net = ipaddress.ip_network(entry, strict=False)
                    v, bits = net.version, self.bits[net.version]
                    if net.prefixlen == bits:
                        self.hosts[v].add(int(net.network_address))
                    else:
                        by_len = self.nets[v].setdefault(net.prefixlen, set())
                        by_len.add(int(net.network_address) >> (bits - net.prefixlen))
                else:
                    ip = ipaddress.ip_address(entry)
                    self.hosts[ip.version].add(int(ip))
                count += 1
        return count

    def listed(self, ip):
        v, n = ip.version, int(ip)
        if n in self.hosts[v]:
            return True
        bits = self.bits[v]
        for length, networks in self.nets[v].items():
            if n >> (bits - length) in networks:
                return True
        return False


def decide(blocklist, request):
    address = request.get("client_address", "")
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return DUNNO
    if blocklist.listed(ip):
        return REJECT.format(ip=address).encode()
    return DUNNO


async def handle(blocklist, reader, writer):
    try:
        while True:
            try:
                data = await reader.readuntil(b"\n\n")
            except asyncio.IncompleteReadError:
                break  # the client closed the connection
            request = {}
            for line in data.decode("utf-8", "replace").split("\n"):
                if "=" in line:
                    name, value = line.split("=", 1)
                    request[name] = value
            writer.write(decide(blocklist, request))
            await writer.drain()
    except (ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def watch_parent(pid):
    while True:
        await asyncio.sleep(1)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(0)


async def main(where, zones, parent):
    blocklist = Blocklist()
    started = time.monotonic()
    total = sum(blocklist.load(z) for z in zones)
    print(
        f"loaded {total} listings in {time.monotonic() - started:.1f}s", file=sys.stderr, flush=True
    )
    if "/" in where:
        if os.path.exists(where):
            os.unlink(where)
        server = await asyncio.start_unix_server(lambda r, w: handle(blocklist, r, w), where)
        print(f"listening on unix:{where}", file=sys.stderr, flush=True)
    else:
        server = await asyncio.start_server(
            lambda r, w: handle(blocklist, r, w), "127.0.0.1", int(where)
        )
        print(f"listening on 127.0.0.1:{where}", file=sys.stderr, flush=True)
    if parent:
        asyncio.ensure_future(watch_parent(parent))
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    args = sys.argv[1:]
    parent = 0
    if "--parent" in args:
        i = args.index("--parent")
        parent = int(args[i + 1])
        del args[i : i + 2]
    if len(args) < 2:
        sys.exit(__doc__)
    try:
        asyncio.run(main(args[0], args[1:], parent))
    except KeyboardInterrupt:
        pass
