#!/bin/bash
rsync -a --ignore-existing /home/user/app/ /data/  # expect: SD216
exec uvicorn main:app --host 0.0.0.0 --port 7860
