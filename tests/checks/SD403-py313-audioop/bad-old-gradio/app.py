import gradio as gr
import audioop  # expect: SD403
