"""spacedoctor: a deployment doctor for Hugging Face Spaces."""

from __future__ import annotations

__version__ = "0.1.0"
