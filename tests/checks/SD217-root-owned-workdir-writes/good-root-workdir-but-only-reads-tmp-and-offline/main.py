import tempfile

from fastapi import FastAPI

app = FastAPI()
TEMPLATE = open("template.txt").read()


@app.get("/")
def root():
    with open("/tmp/last.txt", "w") as fh:
        fh.write("x")
    try:
        with open("stats.json", "w") as fh:
            fh.write("{}")
    except OSError:
        pass
    with tempfile.NamedTemporaryFile("w", delete=False) as fh:
        fh.write(TEMPLATE)
    return {"ok": True}
