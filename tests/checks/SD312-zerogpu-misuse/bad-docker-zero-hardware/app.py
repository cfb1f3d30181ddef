import gradio as gr
import spaces


@spaces.GPU
def run(x):
    return x


gr.Interface(run, "text", "text").launch(server_name="0.0.0.0")
