from transformers import AutoTokenizer

tok = AutoTokenizer.from_pretrained("bert-base-uncased", cache_dir="/models")  # expect: SD204
