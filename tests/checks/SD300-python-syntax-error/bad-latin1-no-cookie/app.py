import gradio as gr

# Greeting shown to users
GREETING = "Bonjour à tous, "

gr.Interface(lambda s: GREETING + s, "text", "text").launch()
