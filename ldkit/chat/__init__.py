"""Chat: one module per service turns the week's model into that service's payload; `poster` sends it once."""
