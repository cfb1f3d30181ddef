import torch
import einops
from fastapi import FastAPI

from model import predict

app = FastAPI()
