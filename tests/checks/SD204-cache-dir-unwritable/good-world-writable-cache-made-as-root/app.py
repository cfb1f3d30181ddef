import os

os.makedirs("/app/.cache/hub", exist_ok=True)
from transformers import AutoModel
