import gradio as gr
import einops
