#!/bin/bash
rm -rf /data/app
cp -r /home/user/app /data/app
find /data/app -name __pycache__ -prune -exec rm -rf {} +
cd /data/app && exec python app.py
