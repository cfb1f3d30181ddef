import uuid

from flask import Flask, abort, jsonify

app = Flask(__name__)
results = {}


@app.post("/predict")
def predict():
    rid = uuid.uuid4().hex
    results[rid] = {"label": "cat"}
    return jsonify(id=rid), 202


@app.get("/result/<rid>")
def result(rid):
    if rid not in results:
        abort(404)
    return jsonify(results[rid])
