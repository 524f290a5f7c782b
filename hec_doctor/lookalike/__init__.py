"""The Splunk HEC look-alike: the protocol as a pure function (``protocol.answer``), a threaded
HTTPS server that moves bytes (``server.HecServer``), one launch helper for ``serve``, the demo
and the pytest fixtures (``launch``), and the certificates they serve (``pki``)."""
