import os

import gradio as gr

SPACE_ID = os.environ.get("SPACE_ID", "someone/my_demo")
BASE_URL = f"https://{SPACE_ID.replace('/', '-')}.hf.space"  # expect: SD316

author = os.getenv("SPACE_AUTHOR_NAME")
name = os.getenv("SPACE_REPO_NAME")
API_URL = "https://" + author + "-" + name + ".hf.space/api/predict"  # expect: SD316


def embed(repo_id):
    host = repo_id.lower().replace("/", "-").replace("_", "-")
    return '<iframe src="https://{}.hf.space"></iframe>'.format(host)  # expect: SD316


with gr.Blocks() as demo:
    gr.Markdown(f"API at {API_URL}, page at {BASE_URL}")
    gr.HTML(embed("someone/other_demo"))

demo.launch()
