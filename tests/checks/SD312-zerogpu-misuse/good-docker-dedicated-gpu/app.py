import gradio as gr
import spaces
import torch


# The same code also runs on ZeroGPU as a Gradio Space; here the decorator is a no-op.
@spaces.GPU
def run(x):
    return torch.ones(4, device="cuda").sum().item()


gr.Interface(run, "text", "text").launch(server_name="0.0.0.0")
