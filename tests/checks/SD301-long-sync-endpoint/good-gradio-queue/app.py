import gradio as gr
from transformers import pipeline

asr = pipeline("automatic-speech-recognition", model="openai/whisper-large-v3")


def transcribe(audio: str) -> str:
    return asr(audio)["text"]


def reset() -> str:
    return ""


with gr.Blocks() as demo:
    audio = gr.Audio(type="filepath")
    text = gr.Textbox()
    go = gr.Button("Transcribe")
    clear = gr.Button("Clear")
    # On the queue (the default): long jobs are fine.
    go.click(transcribe, inputs=audio, outputs=text)
    # Off the queue, but instant.
    clear.click(reset, outputs=text, queue=False)

demo.queue().launch()
