"""The weekly digest: collect -> execute (optional) -> render -> model -> write, a module per stage."""
