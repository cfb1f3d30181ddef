"""`python -m spacedoctor` runs the CLI."""

from __future__ import annotations

from spacedoctor.cli import main

main()
