import os

os.environ.setdefault("HF_HOME", "/app/.cache")
import transformers
