#!/bin/bash
exec gunicorn -k uvicorn.workers.UvicornWorker -b 0.0.0.0:7860 main:app  # expect: SD208
