import audioop
import gradio as gr
