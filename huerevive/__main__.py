"""``python -m huerevive`` runs the command line (see ``huerevive.cli``)."""

from huerevive.cli import main

raise SystemExit(main())
