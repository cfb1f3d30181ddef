from flask import Flask, jsonify, request
from transformers import AutoModelForCausalLM, AutoTokenizer

tok = AutoTokenizer.from_pretrained("gpt2")
model = AutoModelForCausalLM.from_pretrained("gpt2")
app = Flask(__name__)


@app.route("/predict", methods=["POST"])
# expect: SD301
def predict():
    ids = tok(request.json["text"], return_tensors="pt").input_ids
    out = model.generate(ids, max_new_tokens=1024)
    return jsonify(text=tok.decode(out[0]))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=7860)
