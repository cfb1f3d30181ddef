import torch
from transformers import AutoModelForCausalLM

device = "cuda" if torch.cuda.is_available() else "cpu"
model = AutoModelForCausalLM.from_pretrained("gpt2").to(device)
if torch.cuda.is_available():
    model = model.cuda()


def serve():
    return model.to("cuda")
