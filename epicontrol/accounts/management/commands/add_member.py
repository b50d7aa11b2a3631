from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from epicontrol.accounts.choices import UNIT_ROLES, Role
from epicontrol.accounts.models import User
from epicontrol.accounts.services import membership_add, user_create
from epicontrol.core.errors import DomainError
from epicontrol.jurisdictions.models import Jurisdiction, Unit


class Command(BaseCommand):
    help = (
        "Create a user if needed and give them a role in a jurisdiction (or a unit). Roles: "
        + "; ".join(f"{r.value} ({r.label})" for r in Role)
        + ". Unit roles ("
        + ", ".join(sorted(UNIT_ROLES))
        + ") need --unit."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument(
            "--role", required=True, choices=Role.values, help="One of: " + ", ".join(Role.values)
        )
        parser.add_argument("--jurisdiction", required=True, help="Division code, e.g. 430203")
        parser.add_argument("--unit", type=int, default=None, help="Unit id for unit roles")
        parser.add_argument("--password", default=None, help="Password for a new user (validated)")
        parser.add_argument("--display-name", default="")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        jurisdiction = Jurisdiction.objects.filter(code=options["jurisdiction"]).first()
        if jurisdiction is None:
            raise CommandError(f"Unknown jurisdiction code {options['jurisdiction']!r}")
        unit = None
        if options["unit"] is not None:
            unit = Unit.objects.filter(pk=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Unknown unit id {options['unit']}")
        try:
            user = User.objects.filter(username=options["username"]).first()
            created = user is None
            if user is None:
                user = user_create(
                    actor=None,
                    username=options["username"],
                    password=options["password"],
                    display_name=options["display_name"],
                )
            elif options["password"]:
                self.stderr.write("User exists; --password ignored (change it in the admin).")
            membership = membership_add(
                actor=None, user=user, role=options["role"], jurisdiction=jurisdiction, unit=unit
            )
        except DomainError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc
        self.stdout.write(
            f"{'created' if created else 'existing'} user {user.username}; membership: {membership}"
        )
