import gradio as gr

demo = gr.Interface(lambda x: x, "text", "text")


def launch_for_debugging():
    demo.launch(server_port=8080)


demo.launch(server_name="0.0.0.0", server_port=7860)
