"""``python -m kehoach``: the same command line as the ``kehoach`` script."""

import sys

from kehoach.cli import main

if __name__ == "__main__":
    sys.exit(main())
