"""One module a command; ``hec_doctor.cli`` assembles them into the ``hec-doctor`` group."""
