import os

os.environ["TRANSFORMERS_CACHE"] = "/tmp/transformers"  # expect: SD305
