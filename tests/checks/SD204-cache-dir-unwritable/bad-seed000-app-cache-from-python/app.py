import os
from pathlib import Path

os.environ['HF_HOME'] = '/app/.cache'  # expect: SD204
os.environ['TRANSFORMERS_CACHE'] = '/app/.cache'  # expect: SD204
os.environ['TORCH_HOME'] = '/app/.cache'  # expect: SD204
os.environ['HF_DATASETS_CACHE'] = '/app/.cache/datasets'  # expect: SD204
os.environ['HUGGINGFACE_HUB_CACHE'] = '/app/.cache/hub'  # expect: SD204

# Create cache directory with proper permissions
Path('/app/.cache').mkdir(parents=True, exist_ok=True)  # expect: SD204
os.chmod('/app/.cache', 0o777)  # expect: SD204

from transformers import AutoModel

model = AutoModel.from_pretrained("facebook/mms-tts-eng")
