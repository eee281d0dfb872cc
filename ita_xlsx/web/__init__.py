"""`ita-xlsx serve`: the round in a browser, over the library API.

``app.create_app`` builds the Starlette application for one round folder; ``server.serve`` binds
127.0.0.1 (or a host with a password), opens the browser and runs it. Nothing here is imported
by ``import ita_xlsx`` or by ``ita-xlsx --help``.
"""
