"""Transport: DNS, TCP, TLS and HTTP/1.1 over sockets hec-doctor owns. No judgement lives here:
functions return what happened (facts, replies, or a ``TransportError`` with a ``kind``), and
``hec_doctor.checks`` judges it.

Internal: not part of the public API (that is ``hec_doctor.__all__``); it may change
between versions.
"""
