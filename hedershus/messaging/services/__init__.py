"""Messaging's write operations. Callers import the submodules: ``services.messages``
(visitor and staff messages, presence; Engineer B) and ``services.queue`` (claiming,
routing, transfers, closing; Engineer C)."""
