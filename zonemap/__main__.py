"""``python -m zonemap`` runs the command line, as the ``zonemap`` script does."""

from zonemap.cli.main import main

if __name__ == "__main__":
    main(prog_name="zonemap")
