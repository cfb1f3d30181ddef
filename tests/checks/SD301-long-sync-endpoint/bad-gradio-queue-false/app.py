import gradio as gr
import torch
from diffusers import DiffusionPipeline

pipe = DiffusionPipeline.from_pretrained(
    "stabilityai/sdxl-turbo", torch_dtype=torch.float16
).to("cuda")


def generate_image(prompt: str):
    return pipe(prompt, num_inference_steps=50).images[0]


def clear():
    return ""


with gr.Blocks() as demo:
    prompt = gr.Textbox()
    image = gr.Image()
    run = gr.Button("Generate")
    reset = gr.Button("Clear")
    run.click(generate_image, inputs=prompt, outputs=image, queue=False)  # expect: SD301
    reset.click(clear, outputs=prompt, queue=False)

demo.launch()
