"""Command line: ``python -m mentora.matching.engine solve INSTANCE.json`` prints the result JSON.

``-`` reads the instance from standard input. Bad input prints ``error: …`` naming the problem
to standard error and exits with status 2 (never a traceback).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from .errors import InvalidInstance
from .interchange import solve_json

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status (0 solved, 2 bad input)."""
    parser = argparse.ArgumentParser(prog="python -m mentora.matching.engine",
                                     description="Mentora matching engine")
    commands = parser.add_subparsers(dest="command", required=True)
    solve = commands.add_parser("solve", help="solve a mentora.match/1 instance")
    solve.add_argument("instance", help="instance JSON file, or - for standard input")
    solve.add_argument("--indent", type=int, default=None, help="pretty-print the result")
    arguments = parser.parse_args(argv)
    try:
        if arguments.instance == "-":
            text = sys.stdin.read()
        else:
            with open(arguments.instance, encoding="utf-8") as handle:
                text = handle.read()
        result = solve_json(text)
    except (OSError, UnicodeDecodeError) as error:
        print(f"error: cannot read {arguments.instance}: {error}", file=sys.stderr)
        return 2
    except InvalidInstance as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, RecursionError) as error:
        print(f"error: invalid instance: {error}", file=sys.stderr)
        return 2
    json.dump(result, sys.stdout, indent=arguments.indent)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
