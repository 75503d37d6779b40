"""Gunicorn's settings for `tend serve`, which gives the address and the number of web
processes on the command line (tend/worker/serving.py)."""

from __future__ import annotations

from typing import Any

wsgi_app = "tend.wsgi:application"
# Sync workers: one request at a time per process, as Django's ORM is synchronous.
worker_class = "sync"
# Load Django and train the safety screen's models once, then fork: every web process
# starts ready and shares them, instead of each training its own on the first check-in.
preload_app = True
# On SIGTERM, requests in hand get this long to finish.
graceful_timeout = 20
# No control socket: it would be one path in the home directory for every instance.
control_socket_disable = True
# No access log: links to sign in and to answer a check-in carry their token in the URL.
accesslog = None


def on_starting(server: Any) -> None:
    """In the master, after the app is loaded and before any fork."""
    from django.db import connections

    from tend.safety import model

    model.warm_up().join()
    connections.close_all()  # never share a database connection with forked processes
