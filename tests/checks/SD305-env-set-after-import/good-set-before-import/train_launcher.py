import os
import subprocess

import huggingface_hub  # noqa: F401

# For the child process below, which imports huggingface_hub afresh.
os.environ["HF_HUB_OFFLINE"] = "1"
subprocess.run(["python", "train.py"], check=True)
