from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import cv2
import gradio as gr
import numpy as np
import pandas as pd
import requests
import spaces
import uvicorn
import yaml
import clip
import torch
from PIL import Image
from sklearn.cluster import KMeans
from huggingface_hub import hf_hub_download
from datasets import load_dataset
from google.protobuf import json_format

import database
from utils import helper
from mylib.core import run

try:
    import ujson as fastjson
except ImportError:
    fastjson = json

if TYPE_CHECKING:
    import mypy_extensions
