import hf_transfer

hf_transfer.download('https://example.com/x', 'x', 4, 4, 10)
