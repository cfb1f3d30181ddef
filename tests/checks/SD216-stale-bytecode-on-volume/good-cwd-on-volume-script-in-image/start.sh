#!/bin/bash
cd /data
exec python /home/user/app/app.py
