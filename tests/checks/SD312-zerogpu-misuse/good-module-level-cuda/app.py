import gradio as gr
import spaces
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

tok = AutoTokenizer.from_pretrained("HuggingFaceTB/SmolLM2-135M-Instruct")
model = AutoModelForCausalLM.from_pretrained("HuggingFaceTB/SmolLM2-135M-Instruct")
# ZeroGPU wants the model on cuda at module level (emulated until a @spaces.GPU call).
model.to("cuda")
model = model.cuda()
# torch.compile is not used; "torch.compile" in a string or comment is not a call.
NOTE = "do not use torch.compile on ZeroGPU"


@spaces.GPU(duration=lambda *a: 20)
def chat(prompt):
    ids = tok(prompt, return_tensors="pt").to("cuda")
    out = model.generate(**ids, max_new_tokens=32)
    return tok.decode(out[0], skip_special_tokens=True)


gr.Interface(chat, "text", "text").launch()
