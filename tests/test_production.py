"""Issue #13: the documented production settings pass `check --deploy`, HSTS is sent behind a
TLS proxy, and every page carries a Content-Security-Policy."""

import re
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from tests.helpers import browser_for


def test_check_deploy_is_clean_under_the_production_settings(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_HTTPS": "1",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "neocare.example.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_hsts_is_sent_behind_the_tls_proxy(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_SSL_REDIRECT = True

    behind_proxy = client.get("/console/sign-in/", HTTP_X_FORWARDED_PROTO="https")
    plain = client.get("/console/sign-in/")

    assert behind_proxy.status_code == 200
    assert behind_proxy["Strict-Transport-Security"].startswith("max-age=31536000")
    assert plain.status_code == 301 and plain["Location"].startswith("https://")


def test_console_pages_carry_a_csp_whose_nonce_is_the_stylesheets(world):
    page = browser_for(world.personas["community_doctor"]).get(reverse("console:triage"))

    policy = page["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert f'<style nonce="{nonce}">' in page.content.decode()
    # Nothing inline to allow: scripts only from our own static files (script-src 'self').
    assert re.findall(r"<script(?![^>]*\bsrc=\"/static/)", page.content.decode()) == []
    assert '<script src="/static/console/refresh.js"' in page.content.decode()


def test_only_the_api_docs_pages_allow_inline_styles(world):
    client = browser_for(world.personas["community_doctor"])

    console = client.get(reverse("console:triage"))["Content-Security-Policy"]
    docs = [client.get(path)["Content-Security-Policy"] for path in ("/api/docs/", "/api/redoc/")]

    assert "unsafe-inline" not in console.split("style-src-elem")[1].split(";")[0]
    for policy in docs:
        assert "style-src-elem 'self' 'unsafe-inline'" in policy
        assert "script-src 'self';" in policy + ";"  # scripts stay ours only
