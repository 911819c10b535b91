"""``python -m bot`` does what the ``clientwise`` console script does."""

from bot.cli import main

raise SystemExit(main())
