"""`welfare-care-service`: run the reference care service and set it up.

  serve --host 127.0.0.1 --port N --data-dir DIR   the service (FHIR API under /fhir, console at /console)
  add-nurse USERNAME --data-dir DIR                 a nurse (asks for the password twice)
  add-hub RESIDENT-NAME --data-dir DIR              a resident and their hub: prints the
                                                    hub's credential (once) and the resident's id
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

EXIT_OK, EXIT_FAILED = 0, 1
MIN_PASSWORD = 10


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="welfare-care-service",
                                     description="The reference home-care service for welfare hubs (FHIR R4).")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    data = argparse.ArgumentParser(add_help=False)
    data.add_argument("--data-dir", type=Path, required=True, metavar="DIR", help="where the service keeps its data")
    serve = commands.add_parser("serve", parents=[data], help="run the service")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8443, help="port (default 8443)")
    serve.add_argument("--hub-silent-minutes", type=float, default=5.0, metavar="N",
                       help="a hub not heard from for N minutes is a 'hub silent' alarm (default 5)")
    serve.add_argument("--escalate-minutes", type=float, default=5.0, metavar="N",
                       help="an alarm nobody acknowledged in N minutes is escalated to the team lead (default 5)")
    nurse = commands.add_parser("add-nurse", parents=[data], help="add a nurse (asks for the password)")
    nurse.add_argument("username")
    nurse.add_argument("--name", default="", help='the name residents are told ("Sykepleier Nina"); default the user name')
    nurse.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    hub = commands.add_parser("add-hub", parents=[data], help="add a resident and their hub; prints the credential")
    hub.add_argument("resident_name", metavar="RESIDENT-NAME")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from care_service.storage import ServiceStore

    if args.command == "serve":
        from aiohttp import web

        from care_service.app import build_app

        from datetime import timedelta

        print(f"welfare-care-service on http://{args.host}:{args.port}: FHIR under /fhir, the nurse console "
              f"at /console (data in {args.data_dir})", flush=True)
        web.run_app(build_app(args.data_dir, timedelta(minutes=args.hub_silent_minutes),
                              timedelta(minutes=args.escalate_minutes)), host=args.host, port=args.port, print=None)
        return EXIT_OK
    store = ServiceStore(args.data_dir / "care-service.db")
    try:
        if args.command == "add-nurse":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                password = getpass.getpass("Password: ")
                if getpass.getpass("Again: ") != password:
                    print("welfare-care-service: the two passwords differ; nothing was changed.", file=sys.stderr)
                    return EXIT_FAILED
            if len(password) < MIN_PASSWORD:
                print(f"welfare-care-service: a password needs at least {MIN_PASSWORD} characters; nothing was changed.",
                      file=sys.stderr)
                return EXIT_FAILED
            store.add_nurse(args.username, password, args.name)
            print(f"nurse {args.username} added")
            return EXIT_OK
        token, patient_id = store.add_hub(args.resident_name)
        print(f"resident id: {patient_id}")
        print(f"hub credential (shown once; put it in the hub's credential file): {token}")
        return EXIT_OK
    finally:
        store.close()


if __name__ == "__main__":
    raise SystemExit(main())
