"""localnet's key-management page: create, list, revoke and rotate keys, and read the activity log.

A small Starlette app on its own port (8100 by default, "manage" in the port file), bound to
127.0.0.1 like the exchanges. It defends itself against other web pages: every request must
name this server in its Host header, and every state-changing request must come from this
server's own origin and carry its CSRF token (see security.py).
"""

from __future__ import annotations

from localnet.manage.app import make_app

NAME = "manage"
DEFAULT_PORT = 8100

__all__ = ["NAME", "DEFAULT_PORT", "make_app"]
