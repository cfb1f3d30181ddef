import os

bind = "0.0.0.0:7860"
# WORKERS is a Space variable (Settings > Variables): its value is not in the repository.
workers = int(os.environ["WORKERS"])
