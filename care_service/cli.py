"""`welfare-care-service`: run the reference care service and set it up.

  serve --host 127.0.0.1 --port N --data-dir DIR   the service (FHIR API under /fhir, console at /console)
        [--stun URL]... [--turn URL]... [--turn-secret-file FILE]   ICE servers for video calls
  add-nurse USERNAME --data-dir DIR                 a nurse (asks for the password twice)
  add-hub RESIDENT-NAME --data-dir DIR              a resident and their hub: prints the
                                                    hub's credential (once) and the resident's id
  revoke-hub RESIDENT-ID --data-dir DIR             the resident's hub credential refused from now on
"""

from __future__ import annotations

import argparse
import getpass
import os
import sqlite3
import stat
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
    serve.add_argument("--stun", action="append", default=[], metavar="URL",
                       help="a STUN server for video calls, stun:HOST[:PORT] (repeatable)")
    serve.add_argument("--turn", action="append", default=[], metavar="URL",
                       help="a TURN server for video calls (coturn with use-auth-secret), "
                            "turn:HOST[:PORT][?transport=udp|tcp] (repeatable; needs --turn-secret-file)")
    serve.add_argument("--turn-secret-file", type=Path, metavar="FILE",
                       help="the TURN server's static-auth-secret, in a file only its owner can read")
    nurse = commands.add_parser("add-nurse", parents=[data], help="add a nurse (asks for the password)")
    nurse.add_argument("username")
    nurse.add_argument("--name", default="", help='the name residents are told ("Sykepleier Nina"); default the user name')
    nurse.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    nurse.add_argument("--reset-password", action="store_true",
                       help="the nurse exists: give her a new password (her name stays unless --name is given)")
    hub = commands.add_parser("add-hub", parents=[data], help="add a resident and their hub; prints the credential")
    hub.add_argument("resident_name", metavar="RESIDENT-NAME")
    hub.add_argument("--same-name", action="store_true",
                     help="add this resident although one with the same name is there (two people may share a name)")
    revoke = commands.add_parser("revoke-hub", parents=[data],
                                 help="revoke a resident's hub credential (a lost or stolen tablet): refused at once")
    revoke.add_argument("resident_id", metavar="RESIDENT-ID", help="the resident's id, as add-hub printed it")
    return parser


class SetupError(Exception):
    """A problem with the options, said plainly; nothing was started."""


def read_secret_file(path: Path) -> str:
    """The secret in `path`, which only its owner may read (or write)."""
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise SetupError(f"cannot read the TURN secret file {path}: {exc.strerror}") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SetupError(f"the TURN secret file {path} can be read by others than its owner "
                         f"(mode {stat.S_IMODE(mode):04o}); make it private: chmod 600 {path}")
    if hasattr(os, "getuid") and path.stat().st_uid != os.getuid():
        raise SetupError(f"the TURN secret file {path} belongs to another user; it must be this service's own")
    if not text:
        raise SetupError(f"the TURN secret file {path} is empty")
    return text


def _why(problem: Exception) -> str:
    return getattr(problem, "strerror", None) or str(problem)


def _failed(message: str) -> int:
    print(f"welfare-care-service: {message}", file=sys.stderr)
    return EXIT_FAILED


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from care_service.storage import ServiceStore

    if args.command == "serve":
        from aiohttp import web

        from care_service.app import build_app

        from datetime import timedelta

        try:
            secret = read_secret_file(args.turn_secret_file) if args.turn_secret_file else None
            app = build_app(args.data_dir, timedelta(minutes=args.hub_silent_minutes),
                            timedelta(minutes=args.escalate_minutes), stun=tuple(args.stun), turn=tuple(args.turn),
                            turn_secret=secret)
        except (SetupError, ValueError) as problem:
            print(f"welfare-care-service: {problem}; nothing was started.", file=sys.stderr)
            return EXIT_FAILED
        except (OSError, sqlite3.Error) as problem:  # the data folder cannot be made or its database opened
            return _failed(f"the data folder {args.data_dir} cannot be used ({_why(problem)}); nothing was started.")
        print(f"welfare-care-service on http://{args.host}:{args.port}: FHIR under /fhir, the nurse console "
              f"at /console (data in {args.data_dir})", flush=True)
        try:
            web.run_app(app, host=args.host, port=args.port, print=None)
        except OSError as problem:  # the port taken by another program, or an address not this machine's
            return _failed(f"cannot listen on {args.host}:{args.port} ({problem.strerror or problem}); is another "
                           "service running there? Choose another --port.")
        return EXIT_OK
    try:
        store = ServiceStore(args.data_dir / "care-service.db")
    except (OSError, sqlite3.Error) as problem:
        return _failed(f"the data folder {args.data_dir} cannot be used ({_why(problem)}); nothing was changed.")
    try:
        if args.command == "add-nurse" and store.nurse_exists(args.username) and not args.reset_password:
            return _failed(f"a nurse {args.username} exists already; nothing was changed. To give her a new "
                           "password, add --reset-password.")
        if args.command == "add-nurse" and args.reset_password and not store.nurse_exists(args.username):
            return _failed(f"there is no nurse {args.username} to give a new password; nothing was changed.")
        if args.command == "add-nurse":
            if args.password_stdin:
                password = sys.stdin.readline().rstrip("\n")
            else:
                if not sys.stdin.isatty():
                    return _failed("there is no terminal to ask for the password; give it on standard input with "
                                   "--password-stdin. Nothing was changed.")
                try:
                    password = getpass.getpass("Password: ")
                    again = getpass.getpass("Again: ")
                except EOFError:
                    return _failed("no password was given; nothing was changed.")
                if again != password:
                    return _failed("the two passwords differ; nothing was changed.")
            if len(password) < MIN_PASSWORD:
                print(f"welfare-care-service: a password needs at least {MIN_PASSWORD} characters; nothing was changed.",
                      file=sys.stderr)
                return EXIT_FAILED
            if args.reset_password:
                store.set_nurse_password(args.username, password, args.name)
                print(f"nurse {args.username} has a new password")
                return EXIT_OK
            store.add_nurse(args.username, password, args.name)
            print(f"nurse {args.username} added")
            return EXIT_OK
        if args.command == "revoke-hub":
            if not store.revoke_hub_of(args.resident_id):
                return _failed(f"no hub credential in use for the resident {args.resident_id}; nothing was changed.")
            print(f"the hub credential of resident {args.resident_id} is revoked: refused from now on")
            return EXIT_OK
        name = " ".join(args.resident_name.split())
        if not name:
            return _failed("a resident needs a name; nothing was added.")
        if store.residents_named(name) and not args.same_name:
            return _failed(f"a resident named {name!r} is there already; nothing was added. If this is another "
                           "person with the same name, add --same-name.")
        token, patient_id = store.add_hub(name)
        print(f"resident id: {patient_id}")
        print(f"hub credential (shown once; put it in the hub's credential file): {token}")
        return EXIT_OK
    finally:
        store.close()


if __name__ == "__main__":
    raise SystemExit(main())
