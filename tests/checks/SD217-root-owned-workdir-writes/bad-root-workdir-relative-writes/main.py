import json
import os

from fastapi import FastAPI

from store import save_result

app = FastAPI()
# expect: SD217
os.makedirs("outputs", exist_ok=True)


@app.post("/run")
def run(name: str):
    # expect: SD217
    with open(f"{name}.json", "w") as fh:
        json.dump({"name": name}, fh)
    save_result(name)
    return {"ok": True}
