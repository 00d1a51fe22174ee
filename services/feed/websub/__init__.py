"""silkfeed's WebSub hub (W3C WebSub): subscribers ask at ``POST /websub``, the hub
verifies their intent, and pushes each changed feed document to their callbacks.

Topics are the subscription documents the feed worker renders (one feed in one
format, e.g. ``/feeds/tags/china.atom``): those are the documents that change,
and a change is known the moment the worker stores it. Query variants
(``?q=``, ``?limit=``) are rendered on request, never by the worker, so no
change of theirs is ever seen; archive pages never change. Neither is pushable:
they carry a ``self`` link but no ``hub`` link, and the hub refuses them as topics.
"""
