bind = "0.0.0.0:7860"
workers = 4
timeout = 120
