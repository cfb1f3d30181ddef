"""Sources parse each input once into the contexts that checks read."""
