#!/bin/bash
# expect: SD215
huggingface-cli login --token "$HF_TOKEN"
exec python app.py
