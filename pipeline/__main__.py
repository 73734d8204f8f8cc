"""`python -m pipeline` entry point. `watch` starts itself again at once with MALLOC_ARENA_MAX=2 when
it is unset (see config.arena_capped_env), before anything is imported or allocated."""
import os
import sys

from .config import arena_capped_env

_env = arena_capped_env(sys.argv[1:], dict(os.environ))
if _env is not None:
    os.execve(sys.executable, [sys.executable, "-m", "pipeline", *sys.argv[1:]], _env)

from .cli import main  # noqa: E402

sys.exit(main())
