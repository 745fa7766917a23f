"""Settings for the Daphne server that browser tests of websockets run against (a separate process).

It shares the test database file with the test process and writes email to files the test reads.
"""

import copy
import os
import tempfile

from config.settings.test import *  # noqa: F403
from config.settings.test import DATABASES as TEST_DATABASES

# A copy: pytest's doctest collection imports this module inside the test process too.
DATABASES = copy.deepcopy(TEST_DATABASES)
DATABASES["default"]["NAME"] = os.environ.get("MENTORA_E2E_DB", DATABASES["default"]["NAME"])
_MAIL_DIR = os.environ.get("MENTORA_E2E_MAIL_DIR", tempfile.gettempdir())
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = _MAIL_DIR
# Serve static files straight from the source folders (no collectstatic in tests).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# The test process writes while the server reads: in-memory storage would not be shared.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": _MAIL_DIR + "-media"}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
