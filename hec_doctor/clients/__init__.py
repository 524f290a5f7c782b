"""Other client stacks beside Go's (``check --clients``): the same push, through curl, Python's
``ssl`` and Node's ``https``, each run as it runs for a user, so "curl works, Logpush doesn't" is
answered measured, not guessed.

``stacks`` runs them (I/O: subprocesses and one in-process connection); ``compare`` is pure: it
reads their results beside Go's and says, in one line, why two stacks disagree where the reason
is known. Every stack gets the request ``checks.push.push_request`` builds for the Go probe: the
same URL, roots, pinned address, timeout and token. A stack verifies the server before it sends
a byte of HTTP, so the token never reaches a server that stack did not verify.

Internal: not part of the public API (that is ``hec_doctor.__all__``); it may change
between versions.
"""
