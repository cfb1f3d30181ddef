import gradio as gr

demo = gr.Interface(lambda x: x, "text", "text")

if __name__ == "__main__":
    demo.launch(server_name="127.0.0.1")  # expect: SD308
