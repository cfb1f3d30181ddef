from flask import Flask

app = Flask(__name__)


def main():
    app.run(port=7860)  # expect: SD308


if __name__ == "__main__":
    main()
