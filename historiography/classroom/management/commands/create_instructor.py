import getpass

from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from historiography.classroom.services import INSTRUCTOR, user_add_role


class Command(BaseCommand):
    help = "Create an instructor account (or give an existing user the instructor role)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")
        parser.add_argument("--password", help="Asked for when omitted (and the user is new).")

    @transaction.atomic
    def handle(self, username, email, first_name, last_name, password, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            password = password or getpass.getpass("Password: ")
            user = User(username=username, email=email, first_name=first_name, last_name=last_name)
            try:
                validate_password(password, user)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
            user.set_password(password)
            user.save()
            self.stdout.write(self.style.SUCCESS(f"Created instructor {username}."))
        else:
            self.stdout.write(f"{username} exists; giving them the instructor role.")
        user_add_role(user=user, role=INSTRUCTOR)
