import os

DATA = os.environ.get("DATA_DIR", "/tmp")
