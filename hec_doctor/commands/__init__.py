"""One module a command; ``hec_doctor.cli`` assembles them into the ``hec-doctor`` group.

Internal: not part of the public API (that is ``hec_doctor.__all__``); it may change
between versions.
"""
