import subprocess
import time

import torch
from fastapi import FastAPI
from quick import router
from sklearn.linear_model import LogisticRegression

app = FastAPI()
net = torch.nn.Linear(4, 2)
app.include_router(router)


@app.get("/gpu")
def gpu() -> dict[str, str]:
    out = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv"], capture_output=True)
    return {"gpu": out.stdout.decode()}


@app.post("/convert")
def convert(path: str) -> dict[str, int]:
    # Bounded well under the proxy limit.
    done = subprocess.run(["ffmpeg", "-i", path, "/tmp/out.wav"], timeout=20)
    time.sleep(1)
    return {"code": done.returncode}


@app.post("/score")
def score(xs: list[list[float]]) -> dict[str, list[int]]:
    net.train()  # a mode switch, not training
    clf = LogisticRegression().fit(xs, [0, 1] * (len(xs) // 2))
    return {"labels": clf.predict(xs).tolist()}
