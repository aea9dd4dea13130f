"""``kanguri``: list claims, run one, scaffold a new one."""

from __future__ import annotations

import argparse
import sys

from kanguri import registry, runner, scaffold
from kanguri.claim import PROFILES
from kanguri.errors import ClaimError
from kanguri.render import VERDICT_LABEL, record_verdict


def cmd_list(_: argparse.Namespace) -> int:
    for e in registry.catalogue()[1]:
        state = "implemented" if e.implemented else "planned"
        print(f"{e.id:36} {e.section:8} {e.kind:11} {state}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    ids = registry.implemented() if args.claim == "all" else [args.claim]
    ok = True
    for cid in ids:
        print(f"{cid} [{args.profile}] …", file=sys.stderr)
        record = runner.run(cid, args.profile, force=args.force, progress=sys.stderr.isatty())
        verdict = record_verdict(record)
        if record.get("status") != "ok":
            print(f"{cid}: FAILED: {record.get('error')}")
            ok = False
            continue
        holds = runner.verdict_holds(cid, record)
        ok &= holds
        how = "cached" if record.get("cached") else f"{record['wall_seconds']:.1f} s"
        control = record["control"]["verdict"] if record["control"] else "none (an opinion)"
        print(
            f"{cid}: {VERDICT_LABEL[verdict].en} / {VERDICT_LABEL[verdict].ja} ({how}); "
            f"negative control: {control}; {'matches' if holds else 'DOES NOT match'} the stated verdict"
        )
        for reason in record["decision"]["reasons"]:
            print(f"  - {reason['en']}")
        print(f"  record: {record['dir']}/record.json")
    return 0 if ok else 1


def cmd_new(args: argparse.Namespace) -> int:
    for path in scaffold.create(args.claim):
        print(f"created {path}")
    print(
        f"next: fill in the TODOs (see docs/contributing), run `kanguri run {args.claim} --profile quick`, "
        "then `pytest claims/`; until then the claim reads not-testable"
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="kanguri", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="the essay's claims and which are implemented").set_defaults(fn=cmd_list)
    r = sub.add_parser("run", help="run a claim's experiment (cached by content)")
    r.add_argument("claim", help="claim id, or 'all'")
    r.add_argument("--profile", choices=PROFILES, default="quick")
    r.add_argument("--force", action="store_true", help="ignore the cache")
    r.set_defaults(fn=cmd_run)
    n = sub.add_parser("new", help="scaffold a planned claim: module, experiment and both pages")
    n.add_argument("claim", help="an id from claims/catalogue.yml")
    n.set_defaults(fn=cmd_new)
    args = p.parse_args(argv)
    try:
        return args.fn(args)
    except ClaimError as e:
        print(f"kanguri: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
