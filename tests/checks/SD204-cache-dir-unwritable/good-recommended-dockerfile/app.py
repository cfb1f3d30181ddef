import os
from pathlib import Path

cache = Path.home() / ".cache" / "models"
os.makedirs("/home/user/app/.cache", exist_ok=True)
from transformers import pipeline

pipe = pipeline("sentiment-analysis")
