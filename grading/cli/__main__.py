"""``python -m grading.cli``: the ``nivaran`` command."""

from grading.cli import run

run()
