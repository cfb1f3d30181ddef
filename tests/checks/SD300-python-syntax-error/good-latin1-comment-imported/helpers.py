# Modèle de résumé (Latin-1 comment: imports fine, compile() of bytes ignores comments)
SIZE = 3
