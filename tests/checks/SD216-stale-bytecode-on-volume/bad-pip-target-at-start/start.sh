#!/bin/bash
pip install --target /data/packages -r requirements.txt  # expect: SD216
exec python app.py
