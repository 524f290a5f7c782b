"""Go's crypto/x509, ported: how Go parses a certificate (``parse``), verifies a chain and names
a host (``verify``), which roots it trusts (``roots``) and the error texts it prints (``text``).
Every rule cites the Go source it follows.

Pure apart from reading root files. May import only ``errors`` (the bottom layer).

Internal: not part of the public API (that is ``hec_doctor.__all__``); it may change
between versions.
"""
