"""`python -m devstack.graph_emulator --host 127.0.0.1 --port PORT (--people N --seed S | --tenant FILE) [switches]`.

Prints exactly one line, `ready http://HOST:PORT/v1.0`, once it accepts requests; runs until interrupted.
`--dump-tenant FILE` (`-` for stdout) writes the generated tenant (`--people`, `--seed`, `--anchor`) as a tenant
file and exits without serving. A tenant file that is not sound is reported on stderr, one problem a line, with
exit status 2 and no ready line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from datetime import date
from pathlib import Path

from devstack.graph_emulator.state import VALIDATION_MODES, Switches
from devstack.tenant import Tenant, generate_tenant
from devstack.tenant_file import TenantFileError, dump_text, read_tenant


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m devstack.graph_emulator", description="Microsoft Graph emulator")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--people", type=int, default=60)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--anchor",
        type=date.fromisoformat,
        default=None,
        help="the Monday generated calendars start from (yyyy-mm-dd; default: this week's)",
    )
    parser.add_argument(
        "--tenant",
        type=Path,
        default=None,
        metavar="FILE",
        help="load this tenant file instead of generating a tenant (--people/--seed unused)",
    )
    parser.add_argument(
        "--dump-tenant",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the generated tenant as a tenant file ('-': stdout) and exit",
    )
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--throttle", action="store_true", help="enforce the Outlook per-mailbox limits")
    parser.add_argument("--throttle-requests", type=int, default=10_000)
    parser.add_argument("--throttle-window-s", type=float, default=600.0)
    parser.add_argument("--throttle-concurrency", type=int, default=4)
    parser.add_argument("--fault-rate", type=float, default=0.0)
    parser.add_argument("--fault-seed", type=int, default=0)
    parser.add_argument("--validation", choices=VALIDATION_MODES, default="off")
    parser.add_argument("--page-size", type=int, default=None)
    parser.add_argument("--notify-drop", type=float, default=0.0, help="probability a notification is dropped")
    parser.add_argument("--notify-duplicate", action="store_true", help="deliver every notification twice")
    parser.add_argument("--notify-reorder", action="store_true", help="deliver held notifications in reverse order")
    return parser.parse_args(argv)


def switches_from(args: argparse.Namespace) -> Switches:
    return Switches(
        latency_ms=args.latency_ms,
        throttle=args.throttle,
        throttle_requests=args.throttle_requests,
        throttle_window_s=args.throttle_window_s,
        throttle_concurrency=args.throttle_concurrency,
        fault_rate=args.fault_rate,
        fault_seed=args.fault_seed,
        validation=args.validation,
        page_size=args.page_size,
        notify_drop=args.notify_drop,
        notify_duplicate=args.notify_duplicate,
        notify_reorder=args.notify_reorder,
    )


def tenant_from(args: argparse.Namespace) -> Tenant:
    """The tenant the arguments name: a tenant file, or a generated one."""
    if args.tenant is not None:
        return read_tenant(args.tenant)
    return generate_tenant(args.people, args.seed, args.anchor)


def dump(args: argparse.Namespace) -> None:
    text = dump_text(generate_tenant(args.people, args.seed, args.anchor))
    if str(args.dump_tenant) == "-":
        sys.stdout.write(text)
    else:
        args.dump_tenant.write_text(text, encoding="utf-8")


async def serve(args: argparse.Namespace, tenant: Tenant) -> None:
    from devstack.graph_emulator.app import build_app
    from devstack.graph_emulator.server import start_site

    app = build_app(tenant=tenant, switches=switches_from(args))
    if args.validation != "off":
        from devstack.graph_emulator.validation import openapi

        openapi()  # load the description before saying ready
    runner, port = await start_site(app, args.host, args.port)
    print(f"ready http://{args.host}:{port}/v1.0", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    args = parse_args(argv)
    if args.dump_tenant is not None:
        dump(args)
        return 0
    try:
        tenant = tenant_from(args)
    except (TenantFileError, OSError) as exc:
        print(f"graph emulator: cannot load {args.tenant}: {exc}", file=sys.stderr)
        return 2
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args, tenant))
    return 0


if __name__ == "__main__":
    sys.exit(main())
