from pathlib import Path

from flask import Flask

HERE = Path(__file__).resolve().parent
# expect: SD310
(HERE / "uploads").mkdir(exist_ok=True)

app = Flask(__name__)

if __name__ == "__main__":
    app.run(host="0.0.0.0", port=7860)
