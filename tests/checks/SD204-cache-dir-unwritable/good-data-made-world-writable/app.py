from pathlib import Path

OCR_CACHE = Path("/data/ocr_cache")
OCR_CACHE.mkdir(parents=True, exist_ok=True)
import huggingface_hub
