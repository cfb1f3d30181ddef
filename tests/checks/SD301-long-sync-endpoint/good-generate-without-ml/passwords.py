import secrets
import string


class PasswordGenerator:
    def generate(self, length: int) -> str:
        return "".join(secrets.choice(string.ascii_letters) for _ in range(length))
