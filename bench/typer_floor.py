"""The smallest Typer CLI with one command taking a path: what any Typer command costs to start
(typer parses parameters through pydantic adapters, which `import typer` alone does not load)."""

from pathlib import Path

import typer

app = typer.Typer(add_completion=False)


@app.command()
def main(path: Path = Path(".")) -> None:
    typer.echo(str(path))


if __name__ == "__main__":
    app()
