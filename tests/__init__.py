"""duizhao's tests (a regular package, so `tests.*` is not shadowed by a site-packages `tests`)."""
