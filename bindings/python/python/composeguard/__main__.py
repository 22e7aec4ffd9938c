"""``python -m composeguard``: the same as the ``composeguard`` command."""

from composeguard._cli import main

if __name__ == "__main__":
    main()
