BAD = "http://me-demo.hf.space"
