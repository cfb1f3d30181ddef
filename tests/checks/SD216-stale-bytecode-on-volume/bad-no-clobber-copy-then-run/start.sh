#!/bin/bash
set -e
mkdir -p /data/app
cp -rn /home/user/app/. /data/app/  # expect: SD216
cd /data/app  # expect: SD216
exec python app.py
