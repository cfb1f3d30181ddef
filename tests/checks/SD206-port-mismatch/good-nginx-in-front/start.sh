#!/bin/bash
nginx -c /home/user/app/nginx.conf
uvicorn main:app --host 127.0.0.1 --port 8000
