# The Gradio SDK installs requirements.txt only; pyproject.toml dependencies are not installed.
import gradio as gr
import torch  # expect: SD401
