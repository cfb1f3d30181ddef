import os
from pathlib import Path

# expect: SD204
OCR_CACHE_DIR = Path(os.getenv("MANUAL_OCR_CACHE", "/data/manual_store/ocr_cache"))
OCR_CACHE_DIR.mkdir(parents=True, exist_ok=True)
