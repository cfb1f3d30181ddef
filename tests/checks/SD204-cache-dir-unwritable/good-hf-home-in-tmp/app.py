import os
import torch

os.makedirs("/tmp/hf/cache", exist_ok=True)
model = torch.hub.load("pytorch/vision", "resnet18")
