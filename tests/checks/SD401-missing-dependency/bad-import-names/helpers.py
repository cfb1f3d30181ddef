import yaml  # provided: gradio depends on pyyaml
from einops import rearrange  # expect: SD401


def load(path):
    return rearrange(yaml.safe_load(open(path)), "a b -> b a")
