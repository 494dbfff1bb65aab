"""The weekly digest: collect -> execute (optional) -> render -> assemble -> publish, one stage a module."""
