"""Container health check: GET /healthz on this machine's web process; exit 0 when it answers 200.

Sends the Host the app accepts (the first of DJANGO_ALLOWED_HOSTS) and X-Forwarded-Proto: https, so
production's HTTPS redirect (behind a TLS-terminating proxy) does not turn the probe into a 301.
"""

from __future__ import annotations

import os
import sys
import urllib.request

port = os.environ.get("PORT", "8000")
host = (os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")[0] or "localhost").lstrip(".")
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"}
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 (loopback, fixed URL)
        sys.exit(0 if response.status == 200 else 1)
except Exception as error:
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
