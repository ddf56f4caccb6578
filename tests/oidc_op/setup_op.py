"""Prepare the test provider: schema, signing key, a client for the product, users and their groups.

Usage: python -m tests.oidc_op.setup_op <redirect_uri> <post_logout_uri> <client_id> <client_secret>
Users are given as OP_USERS='username:group1,group2;username2:group3' (password = username + '-pw-2026').
"""

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_op.settings")
django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oidc_provider.models import Client, ResponseType, RSAKey  # noqa: E402


def main(redirect_uri: str, post_logout_uri: str, client_id: str, client_secret: str) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    if not RSAKey.objects.exists():
        call_command("creatersakey")
    client, _ = Client.objects.update_or_create(client_id=client_id, defaults={
        "name": "Psykiatrihus", "client_type": "confidential", "client_secret": client_secret,
        "jwt_alg": "RS256", "require_consent": False, "reuse_consent": True,
        "_redirect_uris": redirect_uri, "_post_logout_redirect_uris": post_logout_uri,
        "_scope": "openid profile email",
    })
    client.response_types.set([ResponseType.objects.get(value="code")])
    for spec in filter(None, os.environ.get("OP_USERS", "").split(";")):
        username, _, groups = spec.partition(":")
        user, _ = User.objects.get_or_create(username=username, defaults={"first_name": username.title(),
                                                                          "last_name": "Testesen"})
        user.set_password(f"{username}-pw-2026")
        user.email = f"{username}@example.org"
        user.save()
        user.groups.set([Group.objects.get_or_create(name=g)[0] for g in filter(None, groups.split(","))])


if __name__ == "__main__":
    main(*sys.argv[1:5])
