from fastapi import FastAPI
from fastapi.responses import HTMLResponse

app = FastAPI()

PAGE = """<!doctype html>
<script>
  const shared = new SharedArrayBuffer(1024);
  worker.postMessage(shared);
</script>
"""


@app.get("/")
def home() -> HTMLResponse:
    # COOP alone does not isolate the page.
    return HTMLResponse(PAGE, headers={"Cross-Origin-Opener-Policy": "same-origin"})
