"""Helper of SD313: reading --server.enableXsrfProtection off a Streamlit command line."""

from __future__ import annotations

import pytest

from spacedoctor.checks.streamlit_xsrf import _disabled_in_argv


@pytest.mark.parametrize(
    ("argv", "want"),
    [
        (("streamlit", "run", "app.py"), None),
        (("streamlit", "run", "app.py", "--server.enableXsrfProtection", "false"), True),
        (("streamlit", "run", "app.py", "--server.enableXsrfProtection=False"), True),
        (("streamlit", "run", "app.py", "--server.enableXsrfProtection=true"), False),
        (("streamlit", "run", "--server.enableXsrfProtection", "0", "app.py"), True),
        (("streamlit", "run", "app.py", "--server.enableCORS", "false"), None),
    ],
)
def test_disabled_in_argv(argv: tuple[str, ...], want: bool | None) -> None:
    assert _disabled_in_argv(argv) is want
