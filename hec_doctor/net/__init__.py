"""Transport: DNS, TCP, TLS and HTTP/1.1 over sockets hec-doctor owns. No judgement lives here:
functions return what happened (facts, replies, or a ``TransportError`` with a ``kind``), and
``hec_doctor.checks`` judges it."""
