from flask import Flask

app = Flask(__name__)

if __name__ == "__main__":
    # expect: SD209
    app.run(host="0.0.0.0", port=7860, debug=True)
