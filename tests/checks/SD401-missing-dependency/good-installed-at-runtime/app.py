import os
import subprocess
import sys

os.system("pip install einops==0.8.0")
subprocess.run([sys.executable, "-m", "pip", "install", "opencv-python-headless"], check=True)

import cv2
import einops
import gradio as gr
