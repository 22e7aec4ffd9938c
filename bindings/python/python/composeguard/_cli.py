"""The ``composeguard`` command installed with the wheel: the Rust CLI's own code, run in-process."""

from __future__ import annotations

import sys

from composeguard import _core


def main() -> None:
    """Runs ``composeguard`` with this process's arguments and exits with its exit code."""
    sys.stdout.flush()
    sys.stderr.flush()
    # "composeguard" as the program name, so usage lines read as they do for the Rust binary.
    raise SystemExit(_core.main(["composeguard", *sys.argv[1:]]))
