"""`python -m tools.sample` entry point."""
from .generator import main

raise SystemExit(main())
