import pandas as pd


def save_result(name):
    df = pd.DataFrame({"name": [name]})
    # expect: SD217
    df.to_csv("results.csv")
    with open("log.txt", "a") as fh:
        fh.write(name)
