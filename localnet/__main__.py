"""Command line: localnet (or python -m localnet) serve | keys create/list/revoke/rotate | log | clock."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path

from localnet import exchanges, manage, provision
from localnet.core import activity, clock, keys
from localnet.client import default_port_file
from localnet.core.store import DatabaseProblem, Store, checkout_root, default_db
from localnet.server import MANAGE, default_ports, start_servers, write_port_file


def serve_ports() -> dict[str, int]:
    """What `serve` runs by default: every exchange, then the management page (8100)."""
    return {**default_ports(), MANAGE: manage.DEFAULT_PORT}


def _ports(args: argparse.Namespace) -> dict[str, int]:
    ports = serve_ports()
    if args.base_port is not None:
        ports = {name: (args.base_port + port - 8100 if args.base_port else 0) for name, port in ports.items()}
    for item in args.port:
        name, sep, value = item.partition("=")
        if not sep or name not in ports or not value.isdigit():
            raise SystemExit(f"localnet: --port wants NAME=PORT with NAME in {', '.join(ports)}; got {item!r}")
        ports[name] = int(value)
    return ports


def chosen_port_file(port_file: str | None, db: str) -> Path | None:
    """--port-file, or on the default database .localnet/ports.json: how notebooks find this server."""
    if port_file:
        return Path(port_file)
    if Path(db).resolve() == default_db().resolve():
        return default_port_file()
    return None


def cmd_serve(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    store = Store(args.db)
    clock.set_clock(store, args.frozen_time_ms, args.clock_offset_ms)
    limits = {"weight_limit": args.weight_limit, "ban_after": args.ban_after}
    if args.rate_limit is not None:
        limits["rate_limit"] = args.rate_limit
    try:
        servers = start_servers(store, _ports(args), limits)
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None
    urls = {s.name: s.url for s in servers}
    port_file = chosen_port_file(args.port_file, args.db)
    if port_file:
        write_port_file(port_file, urls)
    for name, url in urls.items():
        print(f"{name} {url}", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    status = 0
    while not stop.wait(0.5):
        dead = [s.name for s in servers if not s.thread.is_alive()]
        if dead:
            print(f"localnet: the {', '.join(dead)} server stopped unexpectedly; stopping the others",
                  file=sys.stderr)
            status = 1
            break
    for server in servers:
        server.stop()
    store.close()
    if port_file and args.port_file is None:
        Path(port_file).unlink(missing_ok=True)
    return status


def _read_pem(path: str | None) -> str | None:
    return Path(path).read_text() if path else None


def cmd_keys_create(args: argparse.Namespace) -> int:
    if (args.api_key is None) != (args.secret is None) and args.type == "hmac":
        raise SystemExit("localnet: --api-key and --secret go together (to import a published example key)")
    store = Store(args.db)
    try:
        key = provision.create_key(
            store, args.exchange, permissions=args.permissions, ips=args.ip, type=args.type, label=args.label,
            public_key_pem=_read_pem(args.public_key), api_key=args.api_key, secret=args.secret,
            passphrase=args.passphrase, account_id=args.account,
        )
    except (keys.KeyProblem, ValueError) as exc:
        raise SystemExit(f"localnet: {exc}") from None
    if args.json:
        print(json.dumps(key))
    else:
        print(f"key {key['id']} for {key['exchange']} (account {key['account_id']}), type {key['type']}, "
              f"permissions {','.join(key['permissions']) or '-'}, IPs {','.join(key['ips']) or 'any'}")
        print(f"api key: {key['api_key']}")
        _print_once(key)
        if key["passphrase"] is not None:
            print(f"passphrase: {key['passphrase']}")
    return 0


def _print_once(key: dict) -> None:
    """The secret or generated private key, with the warning that it will not be shown again."""
    if key.get("secret") is not None:
        print(f"secret:  {key['secret']}")
    if key.get("private_key") is not None:
        print("private key:")
        print(key["private_key"].rstrip("\n"))
    if key.get("secret") is not None or key.get("private_key") is not None:
        print("It is shown only this once; store it now.")


def _when(ms: int | None) -> str:
    if ms is None:
        return "-"
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def cmd_keys_list(args: argparse.Namespace) -> int:
    rows = keys.list_keys(Store(args.db), args.exchange)
    if args.json:
        print(json.dumps([k.public_dict() for k in rows]))
        return 0
    print(f"{'id':>4}  {'exchange':8}  {'type':7}  {'permissions':20}  {'ips':18}  {'created':19}  "
          f"{'last used':19}  {'state':7}  label / api key")
    for k in rows:
        print(f"{k.id:>4}  {k.exchange:8}  {k.type:7}  {','.join(k.permissions) or '-':20}  "
              f"{','.join(k.ips) or 'any':18}  {_when(k.created_ms):19}  {_when(k.last_used_ms):19}  "
              f"{'revoked' if k.revoked else 'live':7}  {k.label or '-'} / {k.api_key}")
    return 0


def cmd_keys_revoke(args: argparse.Namespace) -> int:
    try:
        keys.revoke(Store(args.db), args.id)
    except keys.KeyProblem as exc:
        raise SystemExit(f"localnet: {exc}") from None
    print(f"key {args.id} revoked")
    return 0


def cmd_keys_rotate(args: argparse.Namespace) -> int:
    try:
        key = provision.rotate_key(Store(args.db), args.id, _read_pem(args.public_key))
    except keys.KeyProblem as exc:
        raise SystemExit(f"localnet: {exc}") from None
    if args.json:
        print(json.dumps(key))
    else:
        print(f"key {key['id']} rotated; the old secret no longer works")
        _print_once(key)
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    rows = activity.entries(Store(args.db), args.key, args.limit)
    if args.json:
        print(json.dumps(rows))
        return 0
    for r in rows:
        code = "" if r["error_code"] is None else f" {r['error_code']}"
        print(f"{_when(r['time_ms'])}  {r['exchange']:8}  key {r['key_id'] if r['key_id'] is not None else '-':>4}  "
              f"{r['client_ip']:15}  {r['method']:6} {r['path']}  {r['http_status']} {r['outcome']}{code}")
    return 0


def cmd_clock(args: argparse.Namespace) -> int:
    store = Store(args.db)
    if args.real:
        clock.set_clock(store, None, 0)
    elif args.frozen_time_ms is not None or args.offset_ms is not None:
        frozen, offset = clock.clock_settings(store)
        if args.frozen_time_ms is not None:
            frozen = args.frozen_time_ms
        if args.offset_ms is not None:
            offset = args.offset_ms
        clock.set_clock(store, frozen, offset)
    frozen, offset = clock.clock_settings(store)
    mode = "real time" if frozen is None else f"frozen at {frozen}"
    print(f"clock: {mode}, offset {offset} ms; server time now {clock.now_ms(store)}")
    return 0


def program_name(argv0: str) -> str:
    """How the user started this: the `localnet` console script or `python -m localnet`."""
    return "python -m localnet" if Path(argv0).name == "__main__.py" else "localnet"


def parser(prog: str = "localnet") -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog=prog, description="localnet, the local exchange testnet")
    sub = top.add_subparsers(dest="command", required=True)

    where = "the KeyLab checkout" if checkout_root() else "the current directory"
    db = default_db()

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", default=str(db),
                       help=f"database file (default: .localnet/localnet.db in {where}, here {db})")
        return p

    serve = with_db(sub.add_parser(
        "serve", help="run every exchange and the key-management page on 127.0.0.1",
        description="Run the exchanges and the key-management page (manage: open its URL in a browser) on "
                    "127.0.0.1, by default on " + ", ".join(f"{n} {p}" for n, p in serve_ports().items()) +
                    "; print one 'NAME URL' line for each once all of them listen."))
    serve.add_argument("--port-file", help='write {"binance": "http://127.0.0.1:PORT", ..., "manage": ...} here once all listen (default for the default --db: .localnet/ports.json, which notebooks look for)')
    serve.add_argument("--frozen-time-ms", type=int, help="freeze the exchanges' clock at this Unix time in ms")
    serve.add_argument("--clock-offset-ms", type=int, default=0, help="shift the exchanges' clock by this many ms")
    serve.add_argument("--port", action="append", default=[], metavar="NAME=PORT",
                       help=f"port for one server, NAME in {', '.join(serve_ports())} (manage: the key-management "
                            "page); 0 = any free port; repeatable")
    serve.add_argument("--base-port", type=int,
                       help="shift all default ports to start here, manage on N, binance on N+1 ... "
                            "(0 = any free ports)")
    serve.add_argument("--weight-limit", type=int, default=6000, help="Binance: request weight per minute per IP")
    serve.add_argument("--ban-after", type=int, default=10, help="Binance: 429 answers in a minute before a 418 ban")
    serve.add_argument("--rate-limit", type=int, metavar="N",
                       help="Bybit, OKX, Kraken, Coinbase: lower each one's request limit to N per window")
    serve.set_defaults(run=cmd_serve)

    key_cmds = sub.add_parser("keys", help="create, list, revoke, rotate API keys").add_subparsers(
        dest="keys_command", required=True)
    create = with_db(key_cmds.add_parser("create", help="create (or import) a key on a new funded account"))
    create.add_argument("--exchange", required=True, choices=sorted(exchanges.EXCHANGES))
    create.add_argument("--label")
    create.add_argument("--permissions", default="read", help="comma-separated: read,trade,withdraw")
    create.add_argument("--ip", action="append", default=[], metavar="CIDR", help="allow only this address/network")
    create.add_argument("--type", default="hmac", choices=["hmac", "ed25519", "rsa", "ecdsa"])
    create.add_argument("--public-key", metavar="PEM_FILE", help="public key for ed25519/rsa/ecdsa keys")
    create.add_argument("--api-key", help="import this API key string instead of generating one")
    create.add_argument("--secret", help="import this secret (with --api-key)")
    create.add_argument("--passphrase", help="passphrase, for exchanges that use one")
    create.add_argument("--account", type=int, help="add the key to this existing account instead of a new one")
    create.add_argument("--json", action="store_true", help="print the key as JSON")
    create.set_defaults(run=cmd_keys_create)
    listing = with_db(key_cmds.add_parser("list", help="list keys (never their secrets)"))
    listing.add_argument("--exchange", choices=sorted(exchanges.EXCHANGES))
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=cmd_keys_list)
    revoke = with_db(key_cmds.add_parser("revoke", help="revoke a key; it stops working at once"))
    revoke.add_argument("id", type=int)
    revoke.set_defaults(run=cmd_keys_revoke)
    rotate = with_db(key_cmds.add_parser("rotate", help="new secret for a key; the old one stops working"))
    rotate.add_argument("id", type=int)
    rotate.add_argument("--public-key", metavar="PEM_FILE", help="the new public key (ed25519/rsa keys)")
    rotate.add_argument("--json", action="store_true")
    rotate.set_defaults(run=cmd_keys_rotate)

    log = with_db(sub.add_parser("log", help="the activity log of authenticated calls"))
    log.add_argument("--key", type=int, help="only this key id")
    log.add_argument("--limit", type=int, help="only the last N entries")
    log.add_argument("--json", action="store_true")
    log.set_defaults(run=cmd_log)

    clk = with_db(sub.add_parser("clock", help="show or change the exchanges' clock (takes effect at once)"))
    group = clk.add_mutually_exclusive_group()
    group.add_argument("--frozen-time-ms", type=int, help="freeze at this Unix time in ms")
    group.add_argument("--real", action="store_true", help="back to real time, no offset")
    clk.add_argument("--offset-ms", type=int, help="shift by this many ms")
    clk.set_defaults(run=cmd_clock)
    return top


def main(argv: list[str] | None = None) -> int:
    """Run one command. Exit status: 0 done; 1 refused, with one "localnet: ..." line on stderr
    (bad input, a port in use, a database it cannot use); 2 a malformed command line (argparse)."""
    args = parser(program_name(sys.argv[0])).parse_args(argv)
    try:
        return args.run(args)
    except DatabaseProblem as exc:  # a sentence naming the file and what to do; the file is untouched
        raise SystemExit(f"localnet: {exc}") from None


if __name__ == "__main__":
    sys.exit(main())
