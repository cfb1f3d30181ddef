import gradio as gr
import spaces
import torch
from diffusers import DiffusionPipeline

pipe = DiffusionPipeline.from_pretrained("stabilityai/sdxl-turbo", torch_dtype=torch.float16)
pipe.to("cuda")
pipe.unet = torch.compile(pipe.unet, mode="reduce-overhead")  # expect: SD312


@torch.compile  # expect: SD312
def postprocess(x):
    return (x * 255).clamp(0, 255)


@spaces.GPU(duration=30)
def generate(prompt):
    return pipe(prompt, num_inference_steps=1).images[0]


gr.Interface(generate, "text", "image").launch()
