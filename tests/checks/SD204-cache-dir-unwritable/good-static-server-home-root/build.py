import os

os.makedirs("/app/dist", exist_ok=True)
