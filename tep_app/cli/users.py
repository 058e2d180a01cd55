"""Staff account commands."""
import click

from tep_app.cli import tep
from tep_app.cli.options import fail
from tep_app.extensions import db
from tep_app.services.staff import StaffError, create_user


@tep.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["officer", "manager", "admin"]), required=True)
@click.password_option("--password", help="At least 12 characters.")
def create_user_command(email, name, role, password):
    """Create a staff account."""
    try:
        user = create_user(email, name, role, password)
    except StaffError as error:
        fail(error.message)
    db.session.commit()
    click.echo(f"Created {user.role} {user.email}")
