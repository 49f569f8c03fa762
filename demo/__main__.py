"""`python -m demo truth|serve`: the simulator without the rest of Vigil."""

from __future__ import annotations

import argparse
import json
import time

from demo import DEMO_CREDENTIALS, MARKETS, World, truth_json
from demo.world import LAYOUT_CHANGES


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo", description="Vigil's sample markets.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("truth", "serve"):
        p = sub.add_parser(name)
        p.add_argument("--seed", type=int, default=7)
        p.add_argument("--listings", type=int, default=40)
        p.add_argument("--day", type=int, default=1)
        p.add_argument("--hostile", action="store_true",
                       help="nightowl also shows the hostile corpus (XSS, Unicode: demo/hostile.py)")
    sub.choices["truth"].add_argument("--market", choices=MARKETS)
    serve = sub.choices["serve"]
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--base-port", type=int, default=8730)
    serve.add_argument("--interstitial-rate", type=float, default=0.1)
    serve.add_argument("--session-lifetime", type=int, default=0,
                       help="nightowl pages a login opens before its session expires (0: never)")
    serve.add_argument("--layout", type=int, default=1, choices=sorted(LAYOUT_CHANGES),
                       help="markup generation: 2 renames rc-labor's vendor markup (a layout change)")
    args = parser.parse_args(argv)
    if args.command == "truth":
        truth = truth_json(args.seed, args.listings, args.day, args.market, args.hostile)
        print(json.dumps(truth, ensure_ascii=False, indent=1))
        return 0
    from demo.server import start

    ports = {m: args.base_port + n + 1 for n, m in enumerate(MARKETS)} if args.base_port else None
    world = World(args.seed, args.listings, args.day, args.interstitial_rate,
                  session_lifetime=args.session_lifetime, layout=args.layout, hostile=args.hostile)
    handle = start(world, args.host, ports)
    for market, url in handle.urls.items():
        print(f"{market}: {url}")
    print(f"nightowl login: {DEMO_CREDENTIALS[0]} / {DEMO_CREDENTIALS[1]}")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        handle.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
