"""Every process starts, whatever it touches first. Celery beat's first DRF step is a system
check reading DEFAULT_PAGINATION_CLASS; when that imported neocare.api, which imported DRF's
views, which read DEFAULT_PARSER_CLASSES from the half-loaded neocare.api, beat died at start
(found with `make run`). Each setting that names our code is read first in a fresh process."""

import os
import subprocess
import sys

import pytest

SETTINGS_NAMING_OUR_CODE = [
    "DEFAULT_PAGINATION_CLASS",
    "DEFAULT_PARSER_CLASSES",
    "DEFAULT_FILTER_BACKENDS",
    "DEFAULT_SCHEMA_CLASS",
    "EXCEPTION_HANDLER",
]


@pytest.mark.parametrize("name", SETTINGS_NAMING_OUR_CODE)
def test_a_fresh_process_can_read_any_drf_setting_first(name):
    code = (
        "import django; django.setup()\n"
        "from rest_framework.settings import api_settings\n"
        f"value = getattr(api_settings, {name!r})\n"
        "for item in value if isinstance(value, list) else [value]:\n"
        "    print(item.__module__)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "neocare.settings"}

    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert "neocare." in result.stdout
