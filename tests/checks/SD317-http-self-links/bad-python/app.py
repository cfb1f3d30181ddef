import os

import gradio as gr

SPACE_HOST = os.environ.get("SPACE_HOST", "localhost:7860")
BASE = "http://" + os.environ["SPACE_HOST"]  # expect: SD317
CALLBACK = f"http://{SPACE_HOST}/oauth/callback"  # expect: SD317
BACKEND = "http://me-backend.hf.space/api"  # expect: SD317

viewer = gr.HTML(
    """
<script>
  const socket = new WebSocket("ws://" + location.host + "/stream");
</script>
"""
)
