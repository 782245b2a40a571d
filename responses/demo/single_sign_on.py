"""The demo organisation's single sign-on: Norfolk's office signs in with the local identity
provider that `make run` starts (scripts/local_oidc_provider.py, configured by
identity_provider.json beside this file), as it would with Entra ID.

Its people: Robin Reid has been added by the office admin (a drafter) and linked to the
provider's subject; Nico New has no role yet (signing in shows "you do not have access yet");
Pat Elsewhere's address is outside the office's domain, so the sign-in is refused.
"""

import json
import os
from pathlib import Path

from django.contrib.auth import get_user_model

from accounts.models import IdentityProvider, Membership, PolicingBody
from accounts.services import (
    external_identity_link,
    identity_provider_save,
    membership_add,
)

CONFIG = json.loads((Path(__file__).parent / "identity_provider.json").read_text())
#: Where `make run` starts the provider (scripts/run.sh passes the same port).
PORT = int(os.environ.get("S55_DEMO_OIDC_PORT", "8010"))
ISSUER = f"http://127.0.0.1:{PORT}"
DOMAIN = "norfolk-opcc.example"
ROBIN, NICO, ELSEWHERE = CONFIG["users"]


def build_demo_single_sign_on(*, acting_user) -> IdentityProvider:
    """Wire the Norfolk office to the local provider and give Robin a role (idempotent)."""
    body = PolicingBody.objects.get(slug="norfolk-pcc")
    client = CONFIG["clients"][0]
    provider = IdentityProvider.objects.filter(policing_body=body).first() or IdentityProvider(
        policing_body=body
    )
    provider.name = "Norfolk OPCC (demo identity provider)"
    provider.issuer = ISSUER
    provider.client_id = client["client_id"]
    provider.allowed_email_domains = DOMAIN
    provider.passwords_allowed = True
    provider.is_active = True
    provider = identity_provider_save(
        provider=provider,
        acting_user=acting_user,
        client_secret=client["client_secret"],
        reason="Demo: the office signs in with the local identity provider",
    )
    robin = get_user_model().objects.filter(email__iexact=ROBIN["email"]).first()
    has_role = (
        robin is not None
        and Membership.objects.filter(user=robin, policing_body=body, is_active=True).exists()
    )
    if not has_role:
        membership, _ = membership_add(
            body=body,
            email=ROBIN["email"],
            full_name=ROBIN["name"],
            job_title="Policy Officer",
            role=Membership.Role.OPCC_DRAFTER,
            acting_user=acting_user,
        )
        robin = membership.user
    external_identity_link(
        provider=provider, subject=ROBIN["sub"], user=robin, acting_user=acting_user
    )
    return provider
