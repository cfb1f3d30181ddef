from . import shared
from .shared import thing


def run():
    return thing
