"""The small huggingface_hub wrapper the probe needs: parse a target, resolve a Space to its host.

A Space's app host comes from the Hub (`SpaceInfo.host`), never from string munging of the repo
id: the subdomain changes on rename and is not derivable in general. huggingface_hub is imported
only here, inside the functions, so `spacedoctor --help` and `audit` never pay for it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

_REPO_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*$")
_HUB_HOSTS = frozenset({"huggingface.co", "www.huggingface.co", "hf.co"})


class HubError(Exception):
    """The target cannot be parsed or the Hub cannot resolve it; the message is one line."""


@dataclass(frozen=True)
class TargetSpec:
    """What the user named: a Space repo id to resolve through the Hub, or a URL to probe as is."""

    repo_id: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class SpaceMeta:
    """What the Hub says about a Space: its app host and the card fields the probe compares."""

    repo_id: str
    host: str  # the app's base URL, e.g. https://owner-name.hf.space
    private: bool | None = None
    sdk: str | None = None
    stage: str | None = None
    card: Mapping[str, Any] = field(default_factory=dict)


def parse_target(target: str) -> TargetSpec:
    """`owner/name`, `https://huggingface.co/spaces/owner/name[/...]`, or any http(s) URL."""
    text = target.strip()
    if not text:
        raise HubError("empty target: give a URL or a Space id like owner/name")
    if "://" not in text:
        if _REPO_ID.match(text):
            return TargetSpec(repo_id=text)
        raise HubError(
            f"{target!r} is neither a URL nor a Space id (owner/name); "
            "for a local app give the URL, e.g. http://localhost:7860"
        )
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HubError(f"{target!r}: only http:// and https:// URLs can be probed")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise HubError(f"{target!r}: the port is not a number") from None
    if parts.hostname.lower() in _HUB_HOSTS:
        segs = [s for s in parts.path.split("/") if s]
        if len(segs) >= 3 and segs[0] == "spaces":
            repo_id = f"{segs[1]}/{segs[2]}"
            if _REPO_ID.match(repo_id):
                return TargetSpec(repo_id=repo_id)
        raise HubError(
            f"{target!r} is a Hub page, not a Space: give https://huggingface.co/spaces/owner/name"
        )
    return TargetSpec(url=text)


def space_id_from(target: str) -> str:
    """A Space repo id from `owner/name` or a Space page URL (`https://huggingface.co/spaces/
    owner/name[/...]`, also on the HF_ENDPOINT host). An app host (`https://owner-name.hf.space`)
    is refused: the Hub API has no lookup from a host to its Space, and the subdomain cannot be
    split back into owner and name (both may contain hyphens)."""
    text = target.strip()
    if not text:
        raise HubError("empty Space: give its id, like owner/name")
    if "://" not in text:
        if _REPO_ID.match(text):
            return text
        raise HubError(f"{target!r} is not a Space id: give owner/name")
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    if host.endswith(".hf.space"):
        raise HubError(
            f"{target!r} is a Space's app URL, which the Hub cannot map back to its id "
            "(the subdomain does not tell owner from name): give owner/name, as in the Space "
            "page's address https://huggingface.co/spaces/owner/name"
        )
    if host in _HUB_HOSTS or host == (urlsplit(hub_endpoint()).hostname or "").lower():
        segs = [s for s in parts.path.split("/") if s]
        if len(segs) >= 3 and segs[0] == "spaces" and _REPO_ID.match(f"{segs[1]}/{segs[2]}"):
            return f"{segs[1]}/{segs[2]}"
    raise HubError(
        f"{target!r} is not a Space: give owner/name or https://huggingface.co/spaces/owner/name"
    )


def endpoint_display() -> str:
    """The Hub endpoint as shown in messages: without any user:password@ it may carry."""
    parts = urlsplit(hub_endpoint())
    if "@" not in parts.netloc:
        return hub_endpoint()
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()


def hub_endpoint() -> str:
    """The Hub endpoint, read at call time (huggingface_hub reads HF_ENDPOINT only at import)."""
    return (os.environ.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")


def get_token() -> str | None:
    """HF_TOKEN, else huggingface_hub's saved login. Never logged, never part of any output."""
    env = os.environ.get("HF_TOKEN")
    if env:
        return env.strip() or None
    try:
        from huggingface_hub import get_token as hub_get_token

        return hub_get_token()
    except Exception:  # a broken token store must not stop a probe of a public Space
        log.debug("no saved Hugging Face token could be read")
        return None


def resolve_space(repo_id: str, token: str | None, timeout: float) -> SpaceMeta:
    """Ask the Hub for the Space's host, card and stage (GET {endpoint}/api/spaces/{repo_id})."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError, RepositoryNotFoundError

    api = HfApi(endpoint=hub_endpoint(), token=token or False)
    try:
        info = api.space_info(repo_id, timeout=timeout)
    except RepositoryNotFoundError:
        hint = "" if token else " (a private Space needs HF_TOKEN or `hf auth login`)"
        raise HubError(f"Space {repo_id} was not found on {hub_endpoint()}{hint}") from None
    except HfHubHTTPError as exc:
        status = exc.response.status_code if exc.response is not None else "?"
        raise HubError(f"the Hub answered HTTP {status} for Space {repo_id}") from None
    except Exception as exc:  # network errors, timeouts, malformed answers
        raise HubError(
            f"cannot reach the Hub at {hub_endpoint()} to resolve {repo_id}: {type(exc).__name__}"
        ) from None
    host = _host_url(info.host, info.subdomain)
    if host is None:
        raise HubError(
            f"the Hub reports no app host for Space {repo_id} (is it a static Space still "
            "building, or disabled?); probe its URL directly"
        )
    card: dict[str, Any] = {}
    if info.card_data is not None:
        try:
            card = dict(info.card_data.to_dict())  # type: ignore[no-untyped-call]
        except Exception:
            log.debug("card data of %s could not be read", repo_id)
    stage = None
    if info.runtime is not None:
        raw_stage = getattr(info.runtime, "stage", None)
        stage = str(raw_stage) if raw_stage is not None else None
    return SpaceMeta(
        repo_id=repo_id,
        host=host,
        private=info.private,
        sdk=info.sdk,
        stage=stage,
        card=card,
    )


def _host_url(host: str | None, subdomain: str | None) -> str | None:
    # `host` is documented as the "Host URL of the Space" (https://owner-name.hf.space);
    # accept a bare host name too. Only when it is absent fall back to the subdomain the Hub
    # itself reports (still the Hub's value, not one derived from the repo id).
    if host:
        value = host.strip().rstrip("/")
        if "://" not in value:
            value = "https://" + value
        parts = urlsplit(value)
        if parts.scheme in ("http", "https") and parts.hostname:
            return value
        return None
    if subdomain and re.match(r"^[a-z0-9-]+$", subdomain):
        return f"https://{subdomain}.hf.space"
    return None
