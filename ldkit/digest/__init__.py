"""The weekly digest: collect -> execute (optional) -> render -> model -> assemble, one stage a module (posting: ldkit.chat)."""
