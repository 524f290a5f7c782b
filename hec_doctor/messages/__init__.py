"""The error messages users meet in a Logpush job's ``error_message``: the catalog of families
with their meaning and fix (``catalog``), the classifier that finds a message's family
(``classify``) and the topics ``explain`` can describe (``topics``).

May import: ``hec``, ``gox509``, ``advice`` and below (never ``engine``, ``checks``, ``net``).

Internal: not part of the public API (that is ``hec_doctor.__all__``); it may change
between versions.
"""
