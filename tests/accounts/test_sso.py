import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

SSO = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "sso",
                "name": "Acme SSO",
                "client_id": "twoway",
                "secret": "s3cret",
                "settings": {"server_url": "https://id.acme.example/realms/acme"},
            }
        ],
    }
}


def test_the_login_page_offers_no_sign_up(client):
    page = client.get("/accounts/login/").content.decode()
    assert "by invitation" in page
    assert "/accounts/signup/" not in page


@override_settings(SOCIALACCOUNT_PROVIDERS=SSO)
def test_configured_sso_is_offered_on_the_login_page(client):
    page = client.get("/accounts/login/").content.decode()
    assert "Acme SSO" in page
    assert "/accounts/oidc/sso/login/" in page


def test_without_sso_settings_no_provider_is_offered(client):
    page = client.get("/accounts/login/").content.decode()
    assert "/accounts/oidc/" not in page


def test_sso_settings_come_from_the_environment():
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {
        **os.environ,
        "DEBUG": "1",
        "OIDC_CLIENT_ID": "twoway",
        "OIDC_CLIENT_SECRET": "s3cret",
        "OIDC_SERVER_URL": "https://id.acme.example",
        "OIDC_PROVIDER_NAME": "Acme SSO",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "app = settings.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS'][0]; "
        "print(app['name'], app['settings']['server_url'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.stdout.strip() == "Acme SSO https://id.acme.example", out.stderr
    missing = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        env={**env, "OIDC_SERVER_URL": ""},
    )
    assert "OIDC_SERVER_URL is required" in missing.stderr
