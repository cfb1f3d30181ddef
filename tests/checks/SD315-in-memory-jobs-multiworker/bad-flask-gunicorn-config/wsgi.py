import uuid

from flask import Flask, abort, jsonify, request

app = Flask(__name__)
# expect: SD315
results = {}


@app.route("/predict", methods=["POST"])
def predict():
    rid = uuid.uuid4().hex
    results[rid] = {"label": "cat", "input": request.get_json(silent=True)}
    return jsonify(id=rid), 202


@app.route("/result/<rid>")
def result(rid):
    if rid not in results:
        abort(404)
    return jsonify(results[rid])
