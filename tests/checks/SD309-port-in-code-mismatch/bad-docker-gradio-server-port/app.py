import gradio as gr

demo = gr.Interface(lambda x: x, "text", "text")

if __name__ == "__main__":
    demo.launch(server_name="0.0.0.0", server_port=8080)  # expect: SD309
