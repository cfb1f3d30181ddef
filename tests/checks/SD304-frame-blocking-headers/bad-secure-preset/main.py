from fastapi import FastAPI
from secure import Secure
from secure.middleware import SecureASGIMiddleware

app = FastAPI()
secure_headers = Secure.with_default_headers()  # expect: SD304
app.add_middleware(SecureASGIMiddleware)  # expect: SD304
