"""Small Starlette apps and hostile raw-socket servers, run on 127.0.0.1 by the probe tests."""
