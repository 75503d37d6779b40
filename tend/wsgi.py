from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tend.settings")
application = get_wsgi_application()

from tend.safety.model import warm_up  # noqa: E402  (after Django is set up)

warm_up()  # the safety screen's models train in the background as the server starts
