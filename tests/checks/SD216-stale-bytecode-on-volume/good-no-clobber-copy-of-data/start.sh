#!/bin/bash
cp -n /home/user/app/defaults.json /data/settings.json
exec python app.py
