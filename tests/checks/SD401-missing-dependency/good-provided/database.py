# a local module that shares its name with a PyPI package
DB = {}
