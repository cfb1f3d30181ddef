import os
from pathlib import Path

# The build made /app/.cache (root-owned): these succeed, since the directory is there ...
Path("/app/.cache").mkdir(parents=True, exist_ok=True)
os.makedirs("/app/.cache", 0o755, True)
# ... but uid 1000 cannot chmod what root owns, nor write into it
os.chmod("/app/.cache", 0o777)  # expect: SD204
# a new directory inside the root-owned one cannot be made
os.mkdir("/app/.cache/hub")  # expect: SD204

from transformers import pipeline

pipe = pipeline("sentiment-analysis")
