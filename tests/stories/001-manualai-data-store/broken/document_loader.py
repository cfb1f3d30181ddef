"""Load owner manuals (PDF) into page chunks; OCR the pages that have no text layer."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from pypdf import PdfReader

log = logging.getLogger("manualai.loader")

DISABLE_OCR = os.getenv("MANUAL_DISABLE_OCR", "false").lower() == "true"
OCR_DPI = int(os.getenv("MANUAL_OCR_DPI", "200"))
MIN_TEXT_CHARS = 40


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _page_text(reader: PdfReader) -> list[str]:
    return [(page.extract_text() or "").strip() for page in reader.pages]


# ---------------------------------------------------------------------------
# Storage
# ---------------------------------------------------------------------------
# Everything the loader writes lives under the store. Default is /tmp: only /tmp is
# writable on Spaces (the old default was /data/manual_store).
STORE_DIR = Path(os.getenv("MANUAL_STORE_DIR", "/tmp/manual_store"))  # expect: SD204
OCR_CACHE_DIR = STORE_DIR / "ocr_cache"
OCR_CACHE_DIR.mkdir(parents=True, exist_ok=True)


def _ocr_cache_file(digest: str) -> Path:
    return OCR_CACHE_DIR / f"{digest}.json"


def _ocr_pdf_fallback(path: Path, pages: list[int]) -> dict[int, str]:
    if DISABLE_OCR or not pages:
        return {}
    import pytesseract
    from pdf2image import convert_from_path

    digest = _digest(path)
    cache = _ocr_cache_file(digest)
    if cache.exists():
        return {int(k): v for k, v in json.loads(cache.read_text()).items()}
    out: dict[int, str] = {}
    for number in pages:
        image = convert_from_path(str(path), dpi=OCR_DPI, first_page=number + 1,
                                  last_page=number + 1)[0]
        out[number] = pytesseract.image_to_string(image)
    cache.write_text(json.dumps(out))
    return out


def load_manual(path: Path) -> list[dict[str, object]]:
    reader = PdfReader(str(path))
    texts = _page_text(reader)
    missing = [i for i, t in enumerate(texts) if len(t) < MIN_TEXT_CHARS]
    for number, text in _ocr_pdf_fallback(path, missing).items():
        texts[number] = text
    log.info("loaded %s: %d pages, %d by OCR", path.name, len(texts), len(missing))
    return [
        {"page": i + 1, "text": t, "source": path.name} for i, t in enumerate(texts) if t
    ]
