"""``hec-doctor watch``: the checks on an interval as Prometheus metrics (``metrics``), and the
multi-target ``/probe`` exporter blackbox_exporter users expect (``exporter``).

May import: ``engine`` and below (never ``commands``, ``cli``).

Internal: not part of the public API (that is ``hec_doctor.__all__``); it may change
between versions.
"""
