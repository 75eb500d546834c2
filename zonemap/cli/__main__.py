"""``python -m zonemap.cli`` runs the command line, as the ``zonemap`` script does."""

from zonemap.cli.main import main

main(prog_name="zonemap")
