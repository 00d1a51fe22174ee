"""silkfeed's tests, as a regular package: an installed distribution that ships a
top-level ``tests`` package of its own (Flask-WebSub does) would otherwise take
the name ``tests`` from this directory, and ``tests.support`` with it."""
