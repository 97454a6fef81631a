"""`python -m vaddr SUBCOMMAND ...`: see `vaddr.cli.main`."""

from vaddr.cli.main import main

raise SystemExit(main())
