#!/bin/bash
uvicorn api:app --host 0.0.0.0 --port 8000 &
uvicorn worker:app --host 127.0.0.1 --port 8001 &
streamlit run ui.py --server.port 7860 --server.address 0.0.0.0
