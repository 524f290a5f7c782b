"""What Splunk's HTTP Event Collector is: its endpoints, ports and token form (``spec``) and what
each of its replies means (``replies``), each fact beside its Splunk source.

May import: ``net`` and below (``replies`` reads ``net.http.Reply``).

Internal: not part of the public API (that is ``hec_doctor.__all__``); it may change
between versions.
"""
