import os
import smtplib
import socket

import gradio as gr
import psycopg2
import redis
from pymongo import MongoClient

DB_URL = "postgresql://app:secret@db.mycompany.net/orders"  # expect: SD311
cache = redis.Redis(host="cache.mycompany.net", port=6380)  # expect: SD311
mongo = MongoClient("mongodb+srv://app:pw@cluster0.ab1cd.mongodb.net/?retryWrites=true")  # expect: SD311
user, password = os.environ["DB_USER"], os.environ["DB_PASSWORD"]
ANALYTICS = f"postgresql://{user}:{password}@analytics.mycompany.net:6543/events"  # expect: SD311
API = "http://api.mycompany.net:8000/v1/predict"  # expect: SD311


def notify(to, body):
    with smtplib.SMTP("smtp.gmail.com", 587) as s:  # expect: SD311
        s.starttls()
        s.sendmail("bot@mycompany.net", to, body)


def ping():
    sock = socket.socket()
    sock.connect(("metrics.mycompany.net", 2003))  # expect: SD311


def orders():
    conn = psycopg2.connect(DB_URL)
    return conn.cursor().execute("select 1")


gr.Interface(lambda t: notify(t, "hi"), "text", "text").launch()
