"""gunicorn settings for digibank, read by `gunicorn digibank.wsgi` started from this
folder (gunicorn loads ./gunicorn.conf.py by default; elsewhere pass
`--config path/to/gunicorn.conf.py`). Command-line options still override these.

Security: no request header may set the WSGI environ's SCRIPT_NAME or PATH_INFO. By
default gunicorn takes both from headers sent through a trusted proxy address, and the
proxy passes on whatever the client sent; Django then builds request.path from them.
The site's mount point comes from FORCE_SCRIPT_NAME (settings) instead. The proxy in
front should drop every header with an underscore in its name as well (nginx does by
default: underscores_in_headers off; Caddy and HAProxy need a rule).
"""

import os

# Headers a trusted proxy may turn into environ keys: none.
forwarder_headers = ""
# Headers with an underscore, or others that cannot be mapped unambiguously, are dropped.
header_map = "drop"
# Addresses whose X-Forwarded-Proto gunicorn trusts (the proxy); Django reads the scheme
# itself from SECURE_PROXY_SSL_HEADER (BEHIND_PROXY=1).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

wsgi_app = "digibank.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Two sync workers per core is plenty (measured: more workers or threads gave nothing).
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
