"""`python -m archc` runs the command line."""

from archc.cli import run

run()
