# Valid on the Python 3.12 the Dockerfile installs (PEP 701 nested quotes in f-strings),
# though older interpreters reject it.
user = {"name": "space"}
print(f"hello {user["name"]}")
