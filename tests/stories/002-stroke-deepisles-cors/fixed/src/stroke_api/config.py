"""Settings for the stroke API."""

import os
from pathlib import Path

RESULTS_DIR = Path(os.getenv("STROKE_RESULTS_DIR", "/tmp/stroke-results"))
# Exact-match origins (PR #38 replaced the regex of bug 001)
FRONTEND_ORIGINS = [
    "https://vibecodermcswaggins-stroke-viewer-frontend.hf.space",
    "http://localhost:5173",
]
BACKEND_PUBLIC_URL = os.getenv("BACKEND_PUBLIC_URL")
