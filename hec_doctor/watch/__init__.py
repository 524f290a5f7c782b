"""``hec-doctor watch``: the checks on an interval as Prometheus metrics (``metrics``), and the
multi-target ``/probe`` exporter blackbox_exporter users expect (``exporter``).

May import: ``engine`` and below (never ``commands``, ``cli``).
"""
