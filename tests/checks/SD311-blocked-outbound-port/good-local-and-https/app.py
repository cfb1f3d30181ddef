"""Orders demo.

Configure DATABASE_URL like postgresql://user:password@host:5432/dbname.
"""

import os
import smtplib

import gradio as gr
import redis
import requests

DATABASE_URL = os.getenv("DATABASE_URL", "postgresql://postgres@localhost:5432/dev")
REDIS_URL = os.environ.get("REDIS_URL", "redis://db.mycompany.net:6379/0")
SIDECAR = "redis://127.0.0.1:6379/0"
COMPOSE = "redis://redis:6379/0"
LAN = "mysql://app@10.0.0.12:3306/app"
API = "https://api.mycompany.net/v1/predict"
ALT = "http://api.mycompany.net:8080/v1/predict"
TLS = "https://api.mycompany.net:443/v1"
local_cache = redis.Redis(host="localhost", port=6379)
MAIL = smtplib.SMTP()  # connects later, through the provider's API relay on 443


def predict(text):
    return requests.post(API, json={"text": text}, timeout=30).json()


gr.Interface(predict, "text", "json").launch()
