"""The Hugging Face platform's constants that checks compare against, kept in one place because
they change (streamlit, H100 flavors and persistent storage were all removed in 2025-2026).

Each constant says where it comes from and when it was last checked. When the Hub changes,
update the value, its source and LAST_VERIFIED together.
"""

from __future__ import annotations

#: The date every constant below was last checked against its source.
LAST_VERIFIED = "2026-08-22"

CONFIG_REFERENCE = "https://huggingface.co/docs/hub/spaces-config-reference"

# --- sdk ------------------------------------------------------------------------------------
#: Source: spaces-config-reference ("Can be either `gradio`, `docker`, or `static`"), hub-docs
#: HEAD 242f4a1 (2026-08-22).
SDKS = frozenset({"gradio", "docker", "static"})
#: Source: spaces-changelog 2025-04-30 ("Streamlit is no longer provided as a default built-in
#: SDK ... created using the Docker template"); removed from the config reference 2025-07-14.
RETIRED_SDKS = {"streamlit": "2025-04-30"}
#: app_file when the front matter sets none. Source: spaces-config-reference (`app_file`), the
#: default Gradio Space template (`app_file: app.py`) and spaces-sdks-static (index.html).
DEFAULT_APP_FILE = {"gradio": "app.py", "static": "index.html"}

# --- colors ---------------------------------------------------------------------------------
#: Source: spaces-config-reference (`colorFrom`/`colorTo`) and the Hub's own push rejection text,
#: quoted below (PLATFORM.md [COLOR]).
COLORS = ("red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray")
HUB_COLOR_ERROR = '"{key}" must be one of [red, yellow, green, blue, indigo, purple, pink, gray]'

# --- short_description ----------------------------------------------------------------------
#: Enforced by the Hub at push time, not written in the reference. Source: the Hub's rejection
#: text quoted in qdonnars/ohmywind PR #15/#160, QUD-Technologies/quranic-universal-audio PR #112
#: (PLATFORM.md [SD60]).
SHORT_DESCRIPTION_MAX = 60
HUB_SHORT_DESCRIPTION_ERROR = (
    '"short_description" length must be less than or equal to 60 characters long'
)

# --- hardware and storage -------------------------------------------------------------------
#: The config reference's list of `suggested_hardware` flavors (hub-docs HEAD 242f4a1).
HARDWARE_DOCUMENTED = frozenset(
    {
        "cpu-basic",
        "cpu-upgrade",
        "t4-small",
        "t4-medium",
        "l4x1",
        "l4x4",
        "l40sx1",
        "l40sx4",
        "l40sx8",
        "a10g-small",
        "a10g-large",
        "a10g-largex2",
        "a10g-largex4",
        "a100-large",
        "a100x4",
        "a100x8",
    }
)
#: huggingface_hub 2.4.0 `SpaceHardware` (src/huggingface_hub/_space_api.py), which the library
#: generates from the Hub's own flavor list; includes ZeroGPU and the RTX Pro 6000 flavors.
HARDWARE_HUB_LIBRARY = frozenset(
    {
        "cpu-basic",
        "cpu-upgrade",
        "zero-a10g",
        "t4-small",
        "t4-medium",
        "l4x1",
        "l4x4",
        "l40sx1",
        "l40sx4",
        "l40sx8",
        "a10g-small",
        "a10g-large",
        "a10g-largex2",
        "a10g-largex4",
        "a100-large",
        "a100x4",
        "a100x8",
        "rtx-pro-6000",
        "rtx-pro-6000x2",
        "rtx-pro-6000x4",
        "rtx-pro-6000x8",
    }
)
HARDWARE_FLAVORS = HARDWARE_DOCUMENTED | HARDWARE_HUB_LIBRARY
#: Source: spaces-config-reference (`suggested_storage`: "small", "medium" or "large") and
#: huggingface_hub `SpaceStorage`. The same page now says: "The persistent storage feature is no
#: longer available so this setting will be ignored" (hub-docs e5dfe67e, 2026-01-16).
STORAGE_TIERS = frozenset({"small", "medium", "large"})

# --- python_version -------------------------------------------------------------------------
#: Source: spaces-config-reference ("Any valid Python `3.x` or `3.x.x` version", default 3.10).
PYTHON_VERSION_PATTERN = r"3\.\d+(\.\d+)?"
DEFAULT_PYTHON_VERSION = "3.10"

# --- header, booleans -----------------------------------------------------------------------
#: Source: spaces-config-reference (`header`: "Can be either `mini` or `default`").
HEADERS = frozenset({"mini", "default"})
#: Keys the config reference types as _boolean_.
BOOLEAN_KEYS = ("pinned", "fullWidth", "disable_embedding", "hf_oauth")
#: Keys the config reference types as _List[string]_ (hf_oauth_scopes and preload_from_hub
#: are checked by SD114 and SD115).
STRING_LIST_KEYS = ("models", "datasets", "tags")

# --- custom_headers -------------------------------------------------------------------------
#: Source: spaces-config-reference (`custom_headers`: "only the cross-origin-embedder-policy
#: (COEP), cross-origin-opener-policy (COOP), and cross-origin-resource-policy (CORP) headers are
#: allowed ... all headers and values must be lowercase"). Values per header: MDN's pages for
#: each header (Cross-Origin-Embedder-Policy, -Opener-Policy, -Resource-Policy).
CUSTOM_HEADERS: dict[str, frozenset[str]] = {
    "cross-origin-embedder-policy": frozenset({"require-corp", "credentialless", "unsafe-none"}),
    "cross-origin-opener-policy": frozenset(
        {"same-origin", "same-origin-allow-popups", "noopener-allow-popups", "unsafe-none"}
    ),
    "cross-origin-resource-policy": frozenset({"same-site", "same-origin", "cross-origin"}),
}

# --- OAuth ----------------------------------------------------------------------------------
#: Source: spaces-oauth "Scopes" (hub-docs HEAD 242f4a1): `openid` and `profile` are always
#: included; the rest are optional.
OAUTH_IMPLICIT_SCOPES = frozenset({"openid", "profile"})
OAUTH_SCOPES = OAUTH_IMPLICIT_SCOPES | frozenset(
    {
        "email",
        "read-billing",
        "read-memberships",
        "read-repos",
        "gated-repos",
        "contribute-repos",
        "write-repos",
        "manage-repos",
        "read-collections",
        "write-collections",
        "inference-api",
        "read-endpoints",
        "write-endpoints",
        "jobs",
        "webhooks",
        "write-discussions",
    }
)
#: Source: spaces-config-reference (`hf_oauth_expiration_minutes`: "Defaults to 480 minutes
#: (8 hours). Maximum duration is 43200 minutes (30 days)").
OAUTH_EXPIRATION_DEFAULT = 480
OAUTH_EXPIRATION_MAX = 43200

# --- startup_duration_timeout ---------------------------------------------------------------
#: Source: spaces-config-reference ("Defaults to 30 minutes, but any valid duration (like `1h`,
#: `30m`) is acceptable"). The exact grammar is not documented; spacedoctor accepts a number
#: with a unit in seconds, minutes, hours or days (short or long form), e.g. `90m`, `1.5h`, `24h`.
DURATION_UNITS = {
    "s": 1,
    "sec": 1,
    "secs": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "mins": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hr": 3600,
    "hrs": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
}

# --- preload_from_hub -----------------------------------------------------------------------
#: Source: spaces-config-reference (`preload_from_hub`): "repo", "repo f1,f2" or
#: "repo f1,f2 commit"; files land in the default cache `~/.cache/huggingface/hub`, and "If you
#: ... changed your `HF_HOME` variable, this pre-loading does not follow that".
PRELOAD_CACHE_VARS = ("HF_HOME", "HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE", "XDG_CACHE_HOME")

# --- licenses -------------------------------------------------------------------------------
#: Source: hub-docs docs/hub/repositories-licenses.md, the "License identifier (to use in repo
#: card)" column (stored version 008d54d0).
LICENSES_DOCUMENTED = frozenset(
    {
        "apache-2.0",
        "mit",
        "openrail",
        "bigscience-openrail-m",
        "creativeml-openrail-m",
        "bigscience-bloom-rail-1.0",
        "bigcode-openrail-m",
        "afl-3.0",
        "artistic-2.0",
        "bsl-1.0",
        "bsd",
        "bsd-2-clause",
        "bsd-3-clause",
        "bsd-3-clause-clear",
        "c-uda",
        "cc",
        "cc0-1.0",
        "cc-by-2.0",
        "cc-by-2.5",
        "cc-by-3.0",
        "cc-by-4.0",
        "cc-by-sa-3.0",
        "cc-by-sa-4.0",
        "cc-by-nc-2.0",
        "cc-by-nc-3.0",
        "cc-by-nc-4.0",
        "cc-by-nd-4.0",
        "cc-by-nc-nd-3.0",
        "cc-by-nc-nd-4.0",
        "cc-by-nc-sa-2.0",
        "cc-by-nc-sa-3.0",
        "cc-by-nc-sa-4.0",
        "cdla-sharing-1.0",
        "cdla-permissive-1.0",
        "cdla-permissive-2.0",
        "wtfpl",
        "ecl-2.0",
        "epl-1.0",
        "epl-2.0",
        "etalab-2.0",
        "eupl-1.1",
        "agpl-3.0",
        "gfdl",
        "gpl",
        "gpl-2.0",
        "gpl-3.0",
        "lgpl",
        "lgpl-2.1",
        "lgpl-3.0",
        "isc",
        "lppl-1.3c",
        "ms-pl",
        "mpl-2.0",
        "odc-by",
        "odbl",
        "openrail++",
        "osl-3.0",
        "postgresql",
        "ofl-1.1",
        "ncsa",
        "unlicense",
        "zlib",
        "pddl",
        "lgpl-lr",
        "deepfloyd-if-license",
        "llama2",
        "gemma",
        "unknown",
        "other",
    }
)
#: Ids added to the Hub's list after that version, seen as `license:` values of Hub repos
#: (meta-llama/*, google/DiarizationLM, apple/DepthPro model cards and their derivatives).
LICENSES_NEWER = frozenset({"llama3", "llama3.1", "llama3.2", "llama3.3", "llama4", "apple-amlr"})
LICENSES = LICENSES_DOCUMENTED | LICENSES_NEWER

# --- networking -----------------------------------------------------------------------------
#: Source: spaces-overview "Networking" (hub-docs 03c8ae90): "you can make requests through the
#: standard HTTP and HTTPS ports (80 and 443) along with port 8080. Any requests going to other
#: ports will be blocked."
OUTBOUND_PORTS = frozenset({80, 443, 8080})

# --- ZeroGPU --------------------------------------------------------------------------------
#: The ZeroGPU flavor (huggingface_hub `SpaceHardware.ZERO_A10G`). Source: spaces-zerogpu
#: ("ZeroGPU Spaces ... only work with the Gradio SDK"; "ZeroGPU does not support
#: `torch.compile`"; hub-docs PR #1896).
ZEROGPU_FLAVOR = "zero-a10g"

# --- embedding and cross-origin isolation -------------------------------------------------------
#: Source: spaces-embed / spaces-cookie-limitations: the Space page on huggingface.co shows the
#: app in an iframe (unless `disable_embedding: true`); apps are served from https://*.hf.space.
SPACE_PAGE_ORIGIN = "https://huggingface.co"
#: The framing policy that keeps the Space page (and other Spaces' embeds) working.
FRAME_ANCESTORS_HF = "frame-ancestors 'self' https://huggingface.co https://*.hf.space"
#: Source: MDN SharedArrayBuffer "Security requirements" and Window.crossOriginIsolated: a
#: document is cross-origin isolated with COOP `same-origin` and COEP `require-corp` or
#: `credentialless`.
ISOLATING_COOP = frozenset({"same-origin"})
ISOLATING_COEP = frozenset({"require-corp", "credentialless"})
