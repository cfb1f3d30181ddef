from transformers import pipeline


def load_classifier():
    return pipeline("text-classification")
