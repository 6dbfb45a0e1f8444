"""The `duizhao` command: thin click commands over services and the engine."""

from __future__ import annotations

import sys

import click

from app.errors import AppError


class AppGroup(click.Group):
    """A click group that turns every AppError into a one-line message and exit code 2."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except AppError as exc:
            click.echo(f"Error: {exc.message}", err=True)
            ctx.exit(2)


@click.group(cls=AppGroup)
def cli():
    """duizhao: review Chinese→English translations side by side."""


def main(argv=None):
    """Console-script entry point."""
    return cli.main(args=argv, prog_name="duizhao")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
