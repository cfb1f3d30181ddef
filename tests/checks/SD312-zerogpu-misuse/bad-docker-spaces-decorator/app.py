import gradio as gr
import spaces
import torch

model = torch.nn.Linear(4, 4)


@spaces.GPU(duration=60)  # expect: SD312
def run(x):
    return model.to("cuda")(torch.ones(4, device="cuda")).sum().item()


gr.Interface(run, "text", "text").launch(server_name="0.0.0.0")
