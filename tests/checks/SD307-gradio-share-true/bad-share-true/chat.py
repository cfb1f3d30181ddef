import gradio as gr


def reply(message, history):
    return message


gr.ChatInterface(reply).queue().launch(
    server_name="0.0.0.0",
    share=True,  # expect: SD307
)
