# -*- coding: latin-1 -*-
import gradio as gr

# Résumé du modèle
GREETING = "Bonjour à tous"

gr.Interface(lambda s: GREETING + s, "text", "text").launch()
