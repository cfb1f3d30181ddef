import gradio as gr

demo = gr.Interface(lambda s: s[::-1], "text", "text")

if __name__ == "__main__":
    demo.launch(share=True)  # expect: SD307
