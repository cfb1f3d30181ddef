import os

os.environ["TRANSFORMERS_CACHE"] = "/app/.cache/transformers"
import transformers
